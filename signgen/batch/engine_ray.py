"""The Ray engine: clips spread over a Ray cluster, one actor (one loaded model) per worker.

Each actor runs the local engine (`LocalEngine`: cross-clip batching, per-clip mp4 + report)
on the chunks of ``batch_size`` clips it is handed, and writes straight into the driver's
``--out``: the cluster must SHARE A FILESYSTEM with the driver (same paths for the manifest's
inputs, the checkpoint and the output folder on every node: NFS, a cluster volume, or one
machine). The driver keeps the folder's lock, hands out chunks as actors free up, and
collects the outcomes. Ray is imported here only, so ``import signgen`` stays light.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Sequence
from typing import Any

from signgen.batch.config import BatchConfig, RendererSettings
from signgen.batch.engine_local import BatchEvents, LocalEngine
from signgen.batch.manifest import ClipJob
from signgen.batch.report import ClipOutcome
from signgen.checkpoint import CONFIG_FILE, WEIGHTS_FILE
from signgen.errors import CheckpointError, ConfigError


class BatchWorker:
    """The actor body: a model loaded once, rendering the chunks of clips it is sent."""

    def __init__(self, settings: RendererSettings) -> None:
        self.engine = LocalEngine(settings)

    def render(self, jobs: Sequence[ClipJob]) -> list[ClipOutcome]:
        return self.engine.run(jobs)


def run_ray(config: BatchConfig, jobs: Sequence[ClipJob], events: BatchEvents) -> list[ClipOutcome]:
    """Render ``jobs`` on the Ray cluster of ``config`` (started here when no address is given
    and none is running; shut down again at the end if started here)."""
    try:
        import ray
    except ImportError as error:
        raise ConfigError("--engine ray needs Ray: pip install 'signgen[ray]'") from error

    _check_checkpoint(config.renderer)
    started_here = not ray.is_initialized()
    if started_here:
        _connect(ray, config)
    try:
        actors = _actors(ray, config)
        by_id = {job.id: job for job in jobs}
        outcomes: list[ClipOutcome] = []
        size = config.renderer.batch_size
        chunks = deque(list(jobs[i : i + size]) for i in range(0, len(jobs), size))
        for chunk_outcomes in _distribute(ray, actors, chunks):
            for outcome in chunk_outcomes:
                job = by_id[outcome.id or ""]
                events.started(job, outcome.frames)
                events.rendered(job, outcome.frames)
                events.ended(outcome)
            outcomes.extend(chunk_outcomes)
        return outcomes
    finally:
        if started_here:
            ray.shutdown()


def _connect(ray: Any, config: BatchConfig) -> None:
    quiet = {"logging_level": logging.WARNING, "log_to_driver": False}
    try:
        if config.address is not None:
            ray.init(address=config.address, **quiet)
        else:
            ray.init(num_cpus=config.cpus, include_dashboard=False, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as error:
        where = f"the Ray cluster at {config.address!r}" if config.address else "a local Ray"
        raise ConfigError(f"could not start or join {where}: {_first_line(error)}") from error


def _actors(ray: Any, config: BatchConfig) -> list[Any]:
    """One actor per worker: ``threads`` CPUs (default 1) each, or one GPU each on CUDA
    ("auto": CUDA when the cluster has GPUs)."""
    settings = config.renderer
    threads = settings.threads or 1
    resources = ray.cluster_resources()
    has_gpus = resources.get("GPU", 0) > 0
    gpu = settings.device.startswith("cuda") or (settings.device == "auto" and has_gpus)
    device = settings.device if settings.device != "auto" else ("cuda" if gpu else "cpu")
    available = int(resources.get("GPU", 0)) if gpu else int(resources.get("CPU", 1)) // threads
    count = config.workers or max(1, available)
    worker = ray.remote(num_cpus=0 if gpu else threads, num_gpus=1 if gpu else 0)(BatchWorker)
    pinned = dataclasses.replace(settings, device=device, threads=threads)
    return [worker.remote(pinned) for _ in range(count)]


def _distribute(ray: Any, actors: list[Any], chunks: deque[list[ClipJob]]) -> Any:
    """Yield each chunk's outcomes as it finishes; a chunk whose actor fails ends as failed
    clips (a dead actor gets no more work; with none left, the rest fail)."""
    idle = list(actors)
    running: dict[Any, tuple[Any, list[ClipJob]]] = {}
    while chunks or running:
        while idle and chunks:
            actor, chunk = idle.pop(), chunks.popleft()
            running[actor.render.remote(chunk)] = (actor, chunk)
        if not running:  # every actor died
            yield [_failed(job, "no Ray worker left alive") for chunk in chunks for job in chunk]
            return
        (ref,), _ = ray.wait(list(running), num_returns=1)
        actor, chunk = running.pop(ref)
        try:
            yield ray.get(ref)
        except ray.exceptions.RayActorError as error:
            yield [_failed(job, f"Ray worker died: {_first_line(error)}") for job in chunk]
            continue
        except ray.exceptions.RayError as error:
            yield [_failed(job, f"Ray task failed: {_first_line(error)}") for job in chunk]
        idle.append(actor)


def _check_checkpoint(settings: RendererSettings) -> None:
    """Fail on the driver, with a clear line, before any actor tries to load the model."""
    missing = [n for n in (CONFIG_FILE, WEIGHTS_FILE) if not (settings.checkpoint / n).is_file()]
    if missing:
        raise CheckpointError(
            f"no checkpoint here (missing {', '.join(missing)})", path=settings.checkpoint
        )


def _failed(job: ClipJob, message: str) -> ClipOutcome:
    return ClipOutcome(job.id, job.line, "failed", str(job.output), error=message)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
