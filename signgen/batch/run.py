"""`run_batch`: manifest -> validated jobs -> (skip the done ones) -> engine -> batch report."""

from __future__ import annotations

from time import perf_counter

from signgen.batch.config import BatchConfig
from signgen.batch.engine_local import BatchEvents, LocalEngine, NoEvents
from signgen.batch.manifest import ClipJob, Manifest, RowProblem
from signgen.batch.report import BatchReport, ClipOutcome, write_batch_report
from signgen.batch.state import finished, locked
from signgen.errors import ManifestError


def run_batch(
    config: BatchConfig, manifest: Manifest, events: BatchEvents | None = None
) -> BatchReport:
    """Render the good rows of ``manifest`` (`load_manifest(config.manifest, config.out)`)
    that are not done yet, and write ``batch_report.json``. With ``config.strict``, any bad
    row is a ManifestError listing them all, before anything is rendered.

    Every row ends exactly once in the report: rendered, skipped (done by an earlier run),
    failed (with its error) or invalid (its row was rejected).
    """
    if config.strict and manifest.problems:
        raise ManifestError(
            f"{len(manifest.problems)} bad row(s), nothing rendered (--strict): "
            + "; ".join(str(p) for p in manifest.problems),
            path=config.manifest,
        )
    events = events or NoEvents()
    with locked(config.out):
        outcomes: dict[int, ClipOutcome] = {p.line: _invalid(p) for p in manifest.problems}
        todo: list[ClipJob] = []
        for job in manifest.jobs:
            done = finished(job)
            if done is None:
                todo.append(job)
                continue
            outcome = ClipOutcome.from_report(
                job.id, job.line, "skipped", job.output, done.report, done.seconds, done.renders
            )
            outcomes[job.line] = outcome
            events.ended(outcome)
        start = perf_counter()
        for outcome in _render(config, todo, events):
            outcomes[outcome.line] = outcome
        report = BatchReport(
            manifest=config.manifest,
            out=config.out,
            engine=config.engine,
            batch_size=config.renderer.batch_size,
            clips=tuple(outcomes[line] for line in sorted(outcomes)),
            render_seconds=perf_counter() - start if todo else 0.0,
        )
        write_batch_report(report)
    return report


def _render(config: BatchConfig, todo: list[ClipJob], events: BatchEvents) -> list[ClipOutcome]:
    if not todo:
        return []  # nothing to do: do not even load the model
    if config.engine == "ray":
        from signgen.batch.engine_ray import run_ray  # Ray is imported only when asked for

        return run_ray(config, todo, events)
    return LocalEngine(config.renderer).run(todo, events)


def _invalid(problem: RowProblem) -> ClipOutcome:
    return ClipOutcome(problem.clip_id, problem.line, "invalid", error=problem.message)
