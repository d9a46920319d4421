"""`run_bench`: every row on the same held-out clip and network, scored against ground truth.

Order of work: load the checkpoint, build the clip, warm up (untimed; with ``compile`` this
is where compilation happens, timed as ``compile_s``), the 50-step row, the K search (cold
rows on the 50-step row's frames, smallest K first), the honest cold row on the whole clip,
the warm-started rows, the floor; these runs give the quality figures. Then the timing
rounds: every row again on the clip's first frames, row after row, a few times over in a
rotated order; latency comes from them (see `BenchConfig.timing_rounds`). Rows never run
concurrently.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

import numpy as np

from signgen.bench.machine import machine_info
from signgen.metrics import drift, flicker, hand_crop_ssim, limb_psnr, per_frame_ssim, ssim
from signgen.render import Renderer, RenderOptions
from signgen.report import STAGES, FrameTiming
from signgen.synth.dataset import SynthClip, heldout_clip

from .compile import compile_network
from .config import (
    DRIFT_WINDOW,
    FIFTY_STEP,
    FLOOR,
    SKIP_FRAMES,
    TRAINED,
    BenchConfig,
    cold_name,
    cold_options,
    fifty_step_options,
    warm_rows,
)
from .floor import measure_floor
from .results import BenchReport, RowResult
from .search import KSearch, choose_k, trial

Progress = Callable[[str, int, int], None]
"""``(task, frames done, frames total)``, called after every frame."""


@dataclass(frozen=True, eq=False)
class RowRun:
    """What a row rendered: images uint8 [T, S, S, 3] and each frame's timing."""

    images: np.ndarray
    timings: tuple[FrameTiming, ...]
    options: dict[str, object]


def render_row(
    renderer: Renderer,
    clip: SynthClip,
    options: RenderOptions,
    frames: int,
    done: Callable[[int], None] | None = None,
) -> RowRun:
    """Render the clip's first ``frames`` frames with ``options``."""
    stream = renderer.render_clip(
        clip.reference, clip.poses.frames(0, frames), options, reference_pose=clip.reference_pose
    )
    images, timings = [], []
    for frame in stream:
        images.append(frame.image)
        timings.append(frame.timing)
        if done is not None:
            done(frame.index + 1)
    return RowRun(np.stack(images), tuple(timings), dataclasses.asdict(options))


def score_row(
    name: str,
    run: RowRun,
    clip: SynthClip,
    quality_frames: int,
    timings: tuple[FrameTiming, ...] | None = None,
) -> RowResult:
    """Latency (after frame 0) and quality (every frame) of one row against the ground truth.

    timings: the row's frames from the timing rounds (frame 0 of each already left out);
    None = the quality run's own timings after its frame 0.
    """
    count = len(run.images)
    truth, masks = clip.frames[:count], clip.masks[:count]
    timed = timings or run.timings[SKIP_FRAMES:] or run.timings
    totals = np.array([t.total_ms for t in timed])
    frame_ssim = per_frame_ssim(run.images, truth)
    window = min(quality_frames, count)
    truth_flicker = flicker(truth)
    budget = run.options.get("budget_ms")
    return RowResult(
        name=name,
        frames=count,
        p50_ms=float(np.percentile(totals, 50)),
        p95_ms=float(np.percentile(totals, 95)),
        fps=float(1000.0 / totals.mean()),
        nfe=float(np.mean([t.nfe for t in timed])),
        nfe_first=run.timings[0].nfe,
        ssim=float(frame_ssim.mean()),
        hand_ssim=hand_crop_ssim(run.images, truth, masks),
        limb_psnr=limb_psnr(run.images, truth, masks),
        flicker=flicker(run.images),
        flicker_ratio=flicker(run.images) / max(truth_flicker, 1e-12),
        drift=drift(frame_ssim, DRIFT_WINDOW) if count >= 2 * DRIFT_WINDOW else None,
        ssim_50=float(frame_ssim[:window].mean()),
        over_budget=None if budget is None else int(np.sum(totals > float(budget))),  # type: ignore[arg-type]
        stage_ms={s: float(np.mean([t.stage_ms(s) for t in timed])) for s in STAGES},
        options=run.options,
        timed_frames=len(timed),
    )


def run_bench(config: BenchConfig, progress: Progress | None = None) -> BenchReport:
    """Run every row of ``config`` (see `samplers.config`) and return the report."""
    started = perf_counter()
    renderer = Renderer.from_checkpoint(
        config.checkpoint,
        device=config.device,
        dtype=config.dtype,
        threads=config.threads,  # type: ignore[arg-type]
    )
    loaded = perf_counter()
    clip = heldout_clip(config.clip, config.frames, renderer.size)
    built = perf_counter()
    if config.compile:
        compile_network(renderer)
    with warnings.catch_warnings():
        # torch.compile warns about diffusers internals while tracing; nothing to act on.
        warnings.simplefilter("ignore", UserWarning)
        render_row(renderer, clip, warm_rows(config)[TRAINED], max(config.warmup, 2))
    warmed = perf_counter()

    def task(name: str, total: int) -> Callable[[int], None] | None:
        return None if progress is None else lambda done: progress(name, done, total)

    runs: dict[str, RowRun] = {}
    renders: dict[str, Callable[[int], tuple[FrameTiming, ...]]] = {}
    n50 = config.quality_frames

    def rerender(options: RenderOptions) -> Callable[[int], tuple[FrameTiming, ...]]:
        return lambda frames: render_row(renderer, clip, options, frames).timings

    runs[FIFTY_STEP] = render_row(
        renderer, clip, fifty_step_options(config), n50, task(FIFTY_STEP, n50)
    )
    renders[FIFTY_STEP] = rerender(fifty_step_options(config))
    reference_ssim = ssim(runs[FIFTY_STEP].images, clip.frames[:n50])
    search, cold_runs = _search_k(renderer, clip, config, reference_ssim, task)
    name = cold_name(search.k)
    renders[name] = rerender(cold_options(config, search.k))
    if n50 == config.frames:
        runs[name] = cold_runs[search.k]
    else:
        runs[name] = render_row(
            renderer, clip, cold_options(config, search.k), config.frames,
            task(name, config.frames),
        )  # fmt: skip
    for row, options in warm_rows(config).items():
        runs[row] = render_row(renderer, clip, options, config.frames, task(row, config.frames))
        renders[row] = rerender(options)
    images, timings = measure_floor(
        renderer, clip, config.frames, config.seed, task(FLOOR, config.frames)
    )
    runs[FLOOR] = RowRun(images, timings, {"nfe": 1})
    renders[FLOOR] = lambda frames: measure_floor(renderer, clip, frames, config.seed)[1]
    timed = _timing_rounds(config, renders, task)
    rows = [score_row(row, run, clip, n50, timed.get(row)) for row, run in runs.items()]
    base = rows[0].p50_ms
    rows = [dataclasses.replace(r, speedup=base / r.p50_ms) for r in rows]
    return BenchReport(
        rows=tuple(rows),
        k_search=search,
        machine=machine_info(renderer.device, renderer.dtype),
        clip={
            "index": config.clip,
            "frames": config.frames,
            "frames_50": n50,
            "fps": clip.poses.fps,
            "size": renderer.size,
            "flicker_truth": flicker(clip.frames),
        },
        checkpoint=str(config.checkpoint),
        compile_s=(warmed - built) if config.compile else None,
        setup_s={"load": loaded - started, "clip": built - loaded, "warmup": warmed - built},
        timing={
            "rounds": config.timing_rounds,
            "frames": config.timing_frames_of(TRAINED),
            "frames_50": config.timing_frames_of(FIFTY_STEP),
        },
    )


def _timing_rounds(
    config: BenchConfig,
    renders: dict[str, Callable[[int], tuple[FrameTiming, ...]]],
    task: Callable[[str, int], Callable[[int], None] | None],
) -> dict[str, tuple[FrameTiming, ...]]:
    """Each row's frame timings from ``config.timing_rounds`` interleaved runs (frame 0 of
    every run left out); round r starts at row r, so no row always runs first or last."""
    names = list(renders)
    timed: dict[str, list[FrameTiming]] = {name: [] for name in names}
    rounds = config.timing_rounds
    done = task("timing rounds", rounds * len(names))
    for index in range(rounds):
        for position in range(len(names)):
            name = names[(index + position) % len(names)]
            timed[name].extend(renders[name](config.timing_frames_of(name))[SKIP_FRAMES:])
            if done is not None:
                done(index * len(names) + position + 1)
    return {name: tuple(values) for name, values in timed.items() if values}


def _search_k(
    renderer: Renderer,
    clip: SynthClip,
    config: BenchConfig,
    reference_ssim: float,
    task: Callable[[str, int], Callable[[int], None] | None],
) -> tuple[KSearch, dict[int, RowRun]]:
    """Cold rows on the 50-step row's frames, K increasing, until one is within tolerance."""
    n50 = config.quality_frames
    measured: list[tuple[int, float]] = []
    runs: dict[int, RowRun] = {}
    for k in config.k_candidates:
        label = f"K search: {cold_name(k)}"
        runs[k] = render_row(renderer, clip, cold_options(config, k), n50, task(label, n50))
        measured.append((k, ssim(runs[k].images, clip.frames[:n50])))
        if trial(k, measured[-1][1], reference_ssim, config.tolerance).within:
            break
    return choose_k(measured, reference_ssim, config.tolerance), runs
