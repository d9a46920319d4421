"""The local engine: one model, up to ``batch_size`` clips in flight, each clip straight to its
mp4 and latency report. The Ray engine runs this same engine inside each of its actors.

Per clip: clear what an interrupted run left, read its inputs (the reference is read and
encoded once per image), open its video writer and put it in the multi-clip loop; when its
last frame is in, the video is closed (renamed into place) and THEN its report is written
atomically, so the pair marks the clip done (`signgen.batch.state`). A clip whose inputs or
video fail ends as "failed" with the error; the others go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from time import perf_counter
from typing import Protocol

import numpy as np

from signgen.batch.config import RendererSettings
from signgen.batch.inputs import ClipInputs
from signgen.batch.manifest import ClipJob
from signgen.batch.report import ClipOutcome
from signgen.batch.state import batch_meta, clear_half_done, previous_renders
from signgen.errors import SigngenError
from signgen.render import ClipStream, Frame, Renderer
from signgen.render.multi import MultiClipLoop
from signgen.render.output import run_meta
from signgen.render.real import PersonClip, PersonRenderer
from signgen.render.renderer import Sink
from signgen.report import FrameTiming, LatencyReport, write_report
from signgen.video import VideoWriter


class BatchEvents(Protocol):
    """What an engine tells a progress display (all optional to act on)."""

    def started(self, job: ClipJob, frames: int) -> None: ...

    def rendered(self, job: ClipJob, frames: int) -> None: ...

    def ended(self, outcome: ClipOutcome) -> None: ...


class NoEvents:
    """A `BatchEvents` that ignores everything."""

    def started(self, job: ClipJob, frames: int) -> None:
        pass

    def rendered(self, job: ClipJob, frames: int) -> None:
        pass

    def ended(self, outcome: ClipOutcome) -> None:
        pass


@dataclass(eq=False)
class _Active:
    """A clip in flight: its stream, its open video and the timings so far."""

    job: ClipJob
    stream: ClipStream | PersonClip
    writer: VideoWriter
    started: float
    renders: int
    timings: list[FrameTiming] = field(default_factory=list)
    error: SigngenError | None = None

    def write(self, index: int, image: np.ndarray) -> None:
        """The clip's sink: a video error fails this clip only, not the batch step."""
        if self.error is None:
            try:
                self.writer.write(image)
            except SigngenError as error:
                self.error = error

    @property
    def sink(self) -> Sink | None:
        """Where the network step puts its images: the video of a full-generation clip; none
        for a real clip (its frames are composed first, in `output`)."""
        return self.write if isinstance(self.stream, ClipStream) else None

    @property
    def network(self) -> ClipStream:
        """What the network renders: the clip itself, or the network part of a real clip."""
        return self.stream if isinstance(self.stream, ClipStream) else self.stream.network

    def output(self, drawn: Frame) -> Frame:
        """The clip's frame from the network's: a real clip composes and writes it here (a
        full-generation clip was written by the network step through `write`)."""
        if isinstance(self.stream, ClipStream):
            return drawn
        return self.stream.finish(drawn, self.write)


class LocalEngine:
    """A renderer loaded once and the loop that renders clips through it.

    Real-pixel clips (`PersonRenderer`) batch their network part like any clip; each frame is
    then composed at the output size on the CPU, one clip at a time.
    """

    def __init__(self, settings: RendererSettings) -> None:
        self.settings = settings
        self.network = Renderer.from_checkpoint(
            settings.checkpoint,
            device=settings.device,
            dtype=settings.dtype,  # type: ignore[arg-type]  # checked by from_checkpoint
            threads=settings.threads,
        )
        self.renderer: Renderer | PersonRenderer = self.network
        if not settings.full_generation:
            self.renderer = PersonRenderer(self.network, settings.size)
        self.inputs = ClipInputs(self.renderer)

    def run(self, jobs: Sequence[ClipJob], events: BatchEvents | None = None) -> list[ClipOutcome]:
        """Render ``jobs`` (none of them done yet); one outcome per job, in the order they end."""
        events = events or NoEvents()
        loop: MultiClipLoop[str] = MultiClipLoop(self.network, self.settings.batch_size)
        active: dict[str, _Active] = {}
        outcomes: list[ClipOutcome] = []

        def end(outcome: ClipOutcome) -> None:
            outcomes.append(outcome)
            events.ended(outcome)

        pending = iter(jobs)
        try:
            while True:
                for clip in self._admit(pending, loop.free, end):
                    active[clip.job.id] = clip
                    loop.add(clip.job.id, clip.network, clip.sink)
                    events.started(clip.job, clip.stream.num_frames)
                if not len(loop):
                    return outcomes
                for item in loop.step():
                    clip = active[item.key]
                    clip.timings.append(clip.output(item.frame).timing)
                    events.rendered(clip.job, 1)
                    if clip.error is not None or item.last:
                        loop.remove(item.key)
                        end(self._finish(active.pop(item.key)))
        finally:
            for clip in active.values():  # interrupted: leave no partial videos behind
                clip.writer.abort()

    def _admit(self, pending: Iterator[ClipJob], free: int, end: _End) -> Iterator[_Active]:
        """Up to ``free`` clips ready to render; clips whose inputs fail end here."""
        admitted = 0
        while admitted < free:
            job = next(pending, None)
            if job is None:
                return
            clip = self._start(job)
            if isinstance(clip, ClipOutcome):
                end(clip)
            else:
                admitted += 1
                yield clip

    def _start(self, job: ClipJob) -> _Active | ClipOutcome:
        started = perf_counter()
        renders = previous_renders(job) + 1
        clear_half_done(job)
        try:
            stream = self.inputs.prepare(job)
            size = self.inputs.size
            writer = VideoWriter(job.output, stream.fps, size, size)
        except Exception as error:  # noqa: BLE001  # one bad clip must not stop the batch
            return _failed(job, error, perf_counter() - started)
        return _Active(job, stream, writer, started, renders)

    def _finish(self, clip: _Active) -> ClipOutcome:
        """Close the video, then write the report (the pair marks the clip done)."""
        job = clip.job
        if clip.error is not None:
            clip.writer.abort()
            return _failed(job, clip.error, perf_counter() - clip.started)
        try:
            video = clip.writer.close()
            seconds = perf_counter() - clip.started
            meta = run_meta(self.renderer, job.options)
            meta["batch"] = batch_meta(job, video.path.stat().st_size, seconds, clip.renders)
            report = LatencyReport(
                frames=tuple(clip.timings),
                clip_fps=clip.stream.fps,
                setup_ms=clip.stream.setup_ms,
                budget_ms=job.options.budget_ms,
                meta=meta,
            )
            write_report(report, job.report)
        except SigngenError as error:
            return _failed(job, error, perf_counter() - clip.started)
        return ClipOutcome.from_report(
            job.id, job.line, "rendered", job.output, report, seconds, clip.renders
        )


class _End(Protocol):
    def __call__(self, outcome: ClipOutcome) -> None: ...


def _failed(job: ClipJob, error: BaseException, seconds: float) -> ClipOutcome:
    message = str(error) if isinstance(error, SigngenError) else f"{type(error).__name__}: {error}"
    return ClipOutcome(job.id, job.line, "failed", str(job.output), seconds=seconds, error=message)
