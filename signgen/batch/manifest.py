"""Batch manifests: one clip per row (JSONL or CSV), validated all at once into `ClipJob`s.

Columns: ``id``, ``reference`` (image), ``poses`` (pose file) or ``gloss`` (text), and the
optional ``output`` (default ``<id>.mp4``), ``fps``, ``seed``, ``steps``, ``t0`` and
``language``. Relative paths resolve against the manifest's folder; outputs must stay inside
the output folder (`signgen.batch.paths`). Every bad row is collected with its line number,
so a user sees all the problems of a manifest in one go.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from signgen.batch.paths import confine_output, report_path, resolve_input
from signgen.errors import ManifestError, SigngenError
from signgen.render.options import RenderOptions

# File-name safe, so that "<id>.mp4" is a plain name inside the output folder.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
FORMATS = (".jsonl", ".csv")


class ManifestRow(BaseModel):
    """One row as written in the manifest (strings for paths; checked types and ranges)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(pattern=ID_PATTERN)
    reference: str = Field(min_length=1)
    poses: str | None = None
    gloss: str | None = None
    output: str | None = None
    fps: float | None = Field(default=None, gt=0, le=240)
    seed: int = Field(default=0, ge=0)
    steps: int | None = Field(default=None, ge=1, le=64)
    t0: float | None = Field(default=None, gt=0, lt=1)
    language: str = Field(default="ase", min_length=2, max_length=16)

    @model_validator(mode="after")
    def _one_source(self) -> ManifestRow:
        if (self.poses is None) == (self.gloss is None):
            raise ValueError("give either 'poses' or 'gloss' (exactly one)")
        return self


@dataclass(frozen=True)
class ClipJob:
    """A validated clip, ready to render: absolute paths and its render options.

    line: the manifest line of the row (1-based), for messages.
    fps:  resample the poses to this rate (None: keep the pose file's rate; gloss text is
          composed at 25 fps unless set).
    """

    id: str
    line: int
    reference: Path
    poses: Path | None
    gloss: str | None
    language: str
    fps: float | None
    options: RenderOptions
    output: Path
    report: Path


@dataclass(frozen=True)
class RowProblem:
    """Why a manifest row was rejected."""

    line: int
    clip_id: str | None
    message: str

    def __str__(self) -> str:
        name = f" ({self.clip_id})" if self.clip_id else ""
        return f"line {self.line}{name}: {self.message}"


@dataclass(frozen=True)
class Manifest:
    """The good rows as jobs and the bad rows as problems (file order)."""

    path: Path
    out: Path
    jobs: tuple[ClipJob, ...]
    problems: tuple[RowProblem, ...]


def load_manifest(
    path: str | Path, out: str | Path, defaults: RenderOptions | None = None
) -> Manifest:
    """Read and check every row of ``path``; outputs are placed inside ``out``.

    ``defaults`` are the render options a row's seed/steps/t0 override. Raises ManifestError
    only for problems of the whole file (missing, unknown format, no rows); a bad row becomes
    a `RowProblem` and the other rows stay usable.
    """
    path, out = Path(path), Path(out)
    defaults = defaults or RenderOptions()
    jobs: list[ClipJob] = []
    problems: list[RowProblem] = []
    seen_ids: dict[str, int] = {}
    seen_outputs: dict[Path, int] = {}
    for line, data in _rows(path):
        if isinstance(data, str):
            problems.append(RowProblem(line, None, data))
            continue
        clip_id = data.get("id") if isinstance(data.get("id"), str) else None
        try:
            job = _job(line, data, path.parent, out, defaults)
            _claim(seen_ids, job.id, line, "id")
            _claim(seen_outputs, job.output, line, "output")
        except SigngenError as error:
            problems.append(RowProblem(line, clip_id, error.message))
            continue
        jobs.append(job)
    if not jobs and not problems:
        raise ManifestError("the manifest has no rows", path=path)
    return Manifest(path, out, tuple(jobs), tuple(problems))


def _claim(seen: dict[Any, int], key: Any, line: int, what: str) -> None:
    if key in seen:
        raise ManifestError(f"duplicate {what} (first used on line {seen[key]})")
    seen[key] = line


def _job(
    line: int, data: dict[str, Any], base: Path, out: Path, defaults: RenderOptions
) -> ClipJob:
    try:
        row = ManifestRow.model_validate(data)
    except ValidationError as error:
        raise ManifestError(_describe(error)) from error
    options = dataclasses.replace(
        defaults,
        seed=row.seed,
        steps=defaults.steps if row.steps is None else row.steps,
        t0=defaults.t0 if row.t0 is None else row.t0,
    )
    output = confine_output(row.output or f"{row.id}.mp4", out)
    return ClipJob(
        id=row.id,
        line=line,
        reference=resolve_input(row.reference, base, "reference"),
        poses=None if row.poses is None else resolve_input(row.poses, base, "poses"),
        gloss=row.gloss,
        language=row.language,
        fps=row.fps,
        options=options,
        output=output,
        report=report_path(output),
    )


def _describe(error: ValidationError) -> str:
    """Pydantic's errors as one line: "field: problem; field: problem"."""
    parts = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "row"
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "string_pattern_mismatch":
            message = "must be letters, digits, '.', '_' or '-' (starting with a letter or digit)"
        elif item["type"] == "extra_forbidden":
            message = "unknown column"
        parts.append(f"{field}: {message}" if field != "row" else message)
    return "; ".join(parts)


RawRow = tuple[int, dict[str, Any] | str]
"""(line number, the row's values, or why the line is not a row at all)."""


def _rows(path: Path) -> Iterator[RawRow]:
    """Every row of a JSONL or CSV manifest."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ManifestError(f"unsupported manifest type {suffix or '(none)'!r}: use .jsonl or .csv")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise ManifestError("no such manifest file", path=path) from error
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"unreadable manifest: {error}", path=path) from error
    if suffix == ".jsonl":
        yield from _jsonl_rows(text)
    else:
        yield from _csv_rows(text, path)


def _jsonl_rows(text: str) -> Iterator[RawRow]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            yield number, f"not valid JSON ({error.msg} at column {error.colno})"
            continue
        yield number, data if isinstance(data, dict) else "each line must be a JSON object"


def _csv_rows(text: str, path: Path) -> Iterator[RawRow]:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise ManifestError("the CSV manifest has no header row", path=path)
    for record in reader:
        if None in record:  # DictReader files surplus cells under the key None
            yield reader.line_num, "more cells than header columns"
            continue
        # Empty cells are absent values (the column's default).
        yield reader.line_num, {k: v for k, v in record.items() if v not in ("", None)}
