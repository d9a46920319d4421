"""Batch rendering of broadcast clips (DESIGN.md section 9): a manifest of clips rendered
resumably, cross-clip batched, locally or on a Ray cluster; see `run_batch`."""

from signgen.batch.config import BatchConfig, Engine, RendererSettings
from signgen.batch.manifest import ClipJob, Manifest, ManifestRow, RowProblem, load_manifest
from signgen.batch.report import BatchReport, ClipOutcome, summary_table, write_batch_report
from signgen.batch.run import run_batch

__all__ = [
    "BatchConfig",
    "BatchReport",
    "ClipJob",
    "ClipOutcome",
    "Engine",
    "Manifest",
    "ManifestRow",
    "RendererSettings",
    "RowProblem",
    "load_manifest",
    "run_batch",
    "summary_table",
    "write_batch_report",
]
