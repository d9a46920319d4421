"""Real people end to end: a real photo rendered into the poses of other photos of her beats
copying the photo; the video protocol; bad references; the real-pixel benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from signgen.cli import app
from signgen.io.video import read_video

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"  # BIU-MG photos, credit Bar-Ilan University, Maayan Gazuli
REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "checkpoints" / "rpfm-128"
POSES = DATA / "poses" / "fingerspelling_ase_A.pose"
runner = CliRunner()


def test_a_real_photo_in_other_photos_poses_beats_copying_it(tmp_path: Path) -> None:
    out = tmp_path / "pairs.json"
    result = runner.invoke(app, ["eval", "--real-pairs", str(REAL), "--size", "128",
                                 "--json", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    (scored,) = json.loads(out.read_text())["results"]
    assert scored["protocol"] == "pairs" and scored["frames"] == 2 and scored["size"] == 128
    render, copy, warp = (scored["rows"][k] for k in ("render", "copy", "warp"))
    # Where she moved, the render is closer to the truth than the photo; overall too.
    assert render["moving_psnr"] > copy["moving_psnr"] + 1.0
    assert render["ssim"] > copy["ssim"] and render["psnr"] > copy["psnr"]
    # Where she did not move, her own pixels stay (a redrawn person scores about 19 dB).
    assert render["static_psnr"] > 25.0
    assert warp["ssim"] > copy["ssim"]  # the ceiling row is a real warp, not a copy
    for word in ("signgen", "copy", "true warp", "moving", "static"):
        assert word in result.output


def test_self_reenactment_of_a_real_video_starts_as_its_first_frame(tmp_path: Path) -> None:
    out = tmp_path / "video.json"
    clip = DATA / "pose_tests_test_video.mp4"
    result = runner.invoke(app, ["eval", "--real-video", str(clip), "--size", "128",
                                 "--max-frames", "10", "--json", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    (scored,) = json.loads(out.read_text())["results"]
    assert scored["protocol"] == "video" and scored["frames"] == 9
    assert scored["own_psnr"] > 30.0  # frame 0: the signer in her own pose is the photo
    assert 0.0 < scored["flicker"] < 2.0
    assert scored["rows"]["render"]["static_psnr"] > scored["rows"]["render"]["moving_psnr"]


def test_real_eval_refuses_a_missing_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--real-video", str(tmp_path / "nope.mp4")])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nope.mp4" in lines[0] and "no such file" in lines[0]


def _bad_references(folder: Path) -> dict[str, tuple[Path, str]]:
    blank = folder / "blank.png"
    Image.new("RGB", (300, 300), (40, 120, 200)).save(blank)
    tiny = folder / "one.png"
    Image.new("RGB", (1, 1)).save(tiny)
    huge = folder / "huge.png"
    Image.new("1", (20000, 20000)).save(huge)  # 400 megapixels: a decompression bomb
    corrupt = folder / "corrupt.png"
    corrupt.write_bytes((REAL / "maayan_00.png").read_bytes()[:3000])
    return {
        "no person": (blank, "no signer"),
        "1x1": (tiny, "1x1 px"),
        "huge": (huge, "exceeds limit"),
        "corrupt": (corrupt, "truncated"),
    }


@pytest.mark.parametrize("case", ["no person", "1x1", "huge", "corrupt"])
def test_a_bad_reference_gets_one_line_and_no_video(
    case: str, tiny_checkpoint: Path, tmp_path: Path
) -> None:
    reference, needle = _bad_references(tmp_path)[case]
    out = tmp_path / "out.mp4"
    result = runner.invoke(app, ["render", str(reference), str(POSES), "-o", str(out),
                                 "--checkpoint", str(tiny_checkpoint), "--size", "64"])  # fmt: skip
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:") and reference.name in lines[0] and needle in lines[0]
    assert not out.exists() and not list(tmp_path.glob(".out.mp4*"))


def test_a_greyscale_photo_renders_in_colour_as_itself(
    tiny_checkpoint: Path, tmp_path: Path
) -> None:
    grey = tmp_path / "grey.png"
    Image.open(REAL / "maayan_00.png").convert("L").save(grey)
    out = tmp_path / "grey.mp4"
    result = runner.invoke(app, ["render", str(grey), str(POSES), "-o", str(out),
                                 "--checkpoint", str(tiny_checkpoint), "--size", "64",
                                 "--max-frames", "4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    frames = read_video(out).frames
    assert frames.shape == (4, 64, 64, 3)
    first = frames[0].astype(int)
    assert np.abs(first[..., 0] - first[..., 1]).mean() < 3  # still grey: nothing invented


def test_a_synthetic_reference_uses_its_pose_sidecar(tiny_checkpoint: Path, tmp_path: Path) -> None:
    reference = tmp_path / "synth.png"
    result = runner.invoke(app, ["synth", "reference", "-o", str(reference), "--size", "64"])
    assert result.exit_code == 0, result.output
    sidecar = tmp_path / "synth.pose.json"
    assert sidecar.is_file()
    out = tmp_path / "synth.mp4"
    report = tmp_path / "lat.json"
    result = runner.invoke(app, ["render", str(reference), str(POSES), "-o", str(out),
                                 "--checkpoint", str(tiny_checkpoint), "--size", "64",
                                 "--max-frames", "3", "--report", str(report)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "compose" in json.loads(report.read_text())["summary"]["stage_mean_ms"]
    sidecar.write_text("{ not a pose")  # the sidecar is read, so a broken one is reported
    result = runner.invoke(app, ["render", str(reference), str(POSES), "-o", str(out),
                                 "--checkpoint", str(tiny_checkpoint), "--size", "64"])  # fmt: skip
    assert result.exit_code == 1 and "synth.pose.json" in result.output


def test_the_real_path_bench_times_one_evaluation_against_fifty(tmp_path: Path) -> None:
    from signgen.bench.latency import (
        RECIPE,
        SLOW,
        BenchRun,
        load_person_renderer,
        run_latency_bench,
        write_bench,
    )
    from signgen.cli.render import read_reference
    from signgen.io import read_poses
    from signgen.render.recipe import load_recipe

    renderer = load_person_renderer(SHIPPED, 64, device="cpu", threads=1)
    image, pose = read_reference(REPO / "examples" / "signer.png", 64)
    options = load_recipe(SHIPPED).options(smoothing="none")
    run = BenchRun(frames=3, frames_50=2, rounds=1, warmup=0)
    bench = run_latency_bench(renderer, image, pose, read_poses(POSES), options, run)
    assert bench.row(RECIPE).nfe_per_frame == 1.0 and bench.row(SLOW).nfe_per_frame == 50.0
    assert len(bench.row(RECIPE).frame_ms) == 3 and len(bench.row(SLOW).frame_ms) == 2
    assert bench.row(RECIPE).stage_ms["compose"] > 0
    assert bench.speedup > 5  # fifty network evaluations against one
    document = json.loads(write_bench(bench, tmp_path / "b.json").read_text())
    assert document["size"] == 64 and [r["name"] for r in document["rows"]] == [RECIPE, SLOW]


def test_a_real_clip_decodes_only_under_its_fill_and_renders_as_a_whole_decode_would() -> None:
    from signgen.io import read_poses
    from signgen.io.image import read_image
    from signgen.render import Renderer, RenderOptions
    from signgen.render.real import PersonClip, PersonRenderer, fill_window, photo_pose

    renderer = PersonRenderer(Renderer.from_checkpoint(SHIPPED), 128)
    photo = read_image(REAL / "maayan_00.png", size=128)
    pose = photo_pose(photo)
    sequence = read_poses(POSES)
    sequence = sequence.replace(xy=sequence.xy[:12], conf=sequence.conf[:12])

    def clip() -> PersonClip:
        return renderer.render_clip(photo, sequence, RenderOptions(), reference_pose=pose)

    windowed = clip()
    drawn, shown = [], []
    for frame in windowed.network.frames():
        drawn.append(frame.image)
        shown.append(windowed.finish(frame).image)
    whole = clip()
    whole.network.state.wanted = None  # every latent cell decoded, as for a drawn clip
    reference = [frame.image for frame in whole.frames()]
    # The same video, to a level: what the fill uses is decoded exactly enough.
    for ours, theirs in zip(shown, reference, strict=True):
        assert np.abs(ours.astype(int) - theirs).max() <= 1
    # The network's frames are black beyond the cells under the fill (all black without fill).
    windows = [
        fill_window(windowed.scene.compose(xy, conf).fill, 32)
        for xy, conf in zip(windowed.poses.xy, windowed.poses.conf, strict=True)
    ]
    assert any(w is not None and (w[2] - w[0]) * (w[3] - w[1]) < 32 * 32 for w in windows)
    for image, window in zip(drawn, windows, strict=True):
        mask = np.zeros((128, 128), bool)
        if window is not None:
            x0, y0, x1, y1 = (4 * v for v in window)
            mask[y0:y1, x0:x1] = True
        assert image[~mask].max(initial=0) == 0
        assert window is None or image[mask].max() > 0
