"""Where a batch reads and writes: inputs relative to the manifest, outputs confined to --out.

Broadcast manifests travel between machines and people, so a row must never make signgen
write outside the output folder: not through ``..``, not through an absolute path, and not
through a symbolic link inside the folder that points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from signgen.errors import ManifestError

VIDEO_SUFFIX = ".mp4"
# The per-clip latency report beside its video: "<name>.latency.json" (it cannot collide with
# the folder's batch_report.json, whose name does not end in an .mp4 stem + this suffix).
REPORT_SUFFIX = ".latency.json"


def resolve_input(value: str, base: Path, what: str) -> Path:
    """``value`` (absolute, or relative to the manifest's folder ``base``), which must exist."""
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base / path
    if not path.exists():
        raise ManifestError(f"{what} {value!r}: no such file ({path})")
    return path


def confine_output(value: str, out: Path) -> Path:
    """The video path for ``value`` inside the output folder ``out`` (absolute, resolved).

    Raises ManifestError naming the reason when the path is not an .mp4, leaves ``out``
    lexically (``../x.mp4``, an absolute path elsewhere) or through a symbolic link, or
    names an existing folder.
    """
    if Path(value).suffix.lower() != VIDEO_SUFFIX:
        raise ManifestError(f"output {value!r} must end in {VIDEO_SUFFIX}")
    root = Path(os.path.abspath(out))
    candidate = Path(os.path.normpath(root / value))  # absolute values replace the root
    if not candidate.is_relative_to(root) or candidate == root:
        where = "is outside" if Path(value).is_absolute() else "escapes"
        raise ManifestError(f"output {value!r} {where} the output folder {out}")
    real_root = root.resolve()
    for path in (candidate, report_path(candidate)):
        if not path.resolve().is_relative_to(real_root):
            raise ManifestError(
                f"output {value!r} leads outside the output folder {out} through a symbolic link"
            )
    if candidate.is_dir():
        raise ManifestError(f"output {value!r} is an existing folder, not a file name")
    return candidate


def report_path(video: Path) -> Path:
    """The latency report that sits beside ``video`` ("clip.mp4" -> "clip.latency.json")."""
    return video.with_name(video.stem + REPORT_SUFFIX)
