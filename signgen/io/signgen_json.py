"""signgen's own pose JSON, ``"format": "signgen.pose/1"``.

```json
{"format": "signgen.pose/1", "layout": "holistic", "fps": 25.0, "width": 640, "height": 360,
 "glosses": [{"gloss": "HELLO", "start": 0, "end": 12}],
 "meta": {"backend": "mediapipe", "model_complexity": 1},
 "frames": [[[x, y, conf], ...K points], ...T frames]}
```
x, y are pixels of width x height, conf in [0, 1] (0 = missing). Validated on read: the
header fields by a pydantic model, the frames by shape, finiteness and range (vectorised);
any problem is a `PoseFileError` naming the file and the field. Numbers are written with 4
decimals (error <= 5e-5 px).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from signgen.errors import LayoutError, PoseFileError
from signgen.io.points import MAX_COORD
from signgen.pose.layouts import get_layout
from signgen.pose.sequence import GlossSpan, PoseSequence

FORMAT = "signgen.pose/1"
DECIMALS = 4


class _Gloss(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gloss: Annotated[str, Field(min_length=1)]
    start: Annotated[int, Field(strict=True, ge=0)]
    end: Annotated[int, Field(strict=True, ge=1)]


class _Document(BaseModel):
    """The header fields; ``frames`` is checked with numpy (it may hold millions of numbers)."""

    model_config = ConfigDict(extra="ignore")
    format: Literal["signgen.pose/1"]
    layout: str
    fps: Annotated[float, Field(gt=0, le=10_000, allow_inf_nan=False)]
    width: Annotated[int, Field(strict=True, gt=0, le=100_000)]
    height: Annotated[int, Field(strict=True, gt=0, le=100_000)]
    glosses: list[_Gloss] = []
    # Flat provenance (who made the file, with which settings); scalars only.
    meta: dict[Annotated[str, Field(min_length=1, max_length=200)], str | int | float | bool] = {}
    frames: list[Any]


def is_signgen_json(document: object) -> bool:
    return isinstance(document, dict) and str(document.get("format", "")).startswith(
        "signgen.pose/"
    )


def _first_error(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"]) or "document"
    return f"{where}: {detail['msg']}"


def _frames_array(frames: list[Any], num_points: int, path: str | Path | None) -> np.ndarray:
    """[T, K, 3] float64 from nested lists; shape, finiteness and range checked."""
    shape_error = PoseFileError(
        "frames must be a [frames][points][x, y, conf] array of numbers", path=path
    )
    try:
        # Without a dtype first: numpy would otherwise turn the string "7" into 7.0.
        array = np.asarray(frames)
        if array.dtype.kind not in "iuf":
            raise shape_error
        array = array.astype(np.float64)
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise shape_error from None
    if array.ndim != 3 or array.shape[0] == 0 or array.shape[1:] != (num_points, 3):
        raise PoseFileError(
            f"frames has shape {list(array.shape)}, expected [T >= 1, {num_points}, 3]", path=path
        )
    if not np.isfinite(array).all():
        raise PoseFileError("frames contains NaN or infinite numbers", path=path)
    if np.abs(array[..., :2]).max() > MAX_COORD:
        raise PoseFileError(f"a coordinate exceeds {MAX_COORD:g} px", path=path)
    conf = array[..., 2]
    if conf.min() < 0 or conf.max() > 1:
        raise PoseFileError("confidence values must lie in [0, 1]", path=path)
    return array


def sequence_from_document(document: object, path: str | Path | None = None) -> PoseSequence:
    """Validate a parsed signgen JSON document and build its `PoseSequence`."""
    if is_signgen_json(document) and document["format"] != FORMAT:  # type: ignore[index]
        raise PoseFileError(
            f"unsupported format {document['format']!r} (this signgen reads {FORMAT!r})",  # type: ignore[index]
            path=path,
        )
    try:
        doc = _Document.model_validate(document)
    except ValidationError as error:
        raise PoseFileError(
            f"invalid signgen pose JSON: {_first_error(error)}", path=path
        ) from None
    try:
        layout = get_layout(doc.layout)
    except LayoutError as error:
        raise PoseFileError(error.message, path=path) from None
    array = _frames_array(doc.frames, layout.num_points, path)
    num_frames = array.shape[0]
    for span in doc.glosses:
        if not span.start < span.end <= num_frames:
            raise PoseFileError(
                f"gloss {span.gloss!r} spans frames [{span.start}, {span.end}), "
                f"outside the {num_frames} frames",
                path=path,
            )
    conf = array[..., 2].astype(np.float32)
    xy = np.where(conf[..., None] > 0, array[..., :2], 0.0).astype(np.float32)
    return PoseSequence(
        xy=xy,
        conf=conf,
        fps=doc.fps,
        width=doc.width,
        height=doc.height,
        layout=layout,
        glosses=tuple(GlossSpan(g.gloss, g.start, g.end) for g in doc.glosses),
        meta=dict(doc.meta),
    )


def document_from_sequence(seq: PoseSequence) -> dict[str, Any]:
    """The JSON-ready document for ``seq`` (numbers rounded to `DECIMALS`)."""
    # A present point keeps a non-zero confidence however small (0 would mean missing).
    conf = np.round(seq.conf.astype(np.float64), DECIMALS)
    conf = np.where(seq.conf > 0, np.maximum(conf, 10.0**-DECIMALS), 0.0)
    xyc = np.concatenate([np.round(seq.xy.astype(np.float64), DECIMALS), conf[..., None]], axis=-1)
    return {
        "format": FORMAT,
        "layout": seq.layout.name,
        "fps": float(seq.fps),
        "width": int(seq.width),
        "height": int(seq.height),
        "glosses": [{"gloss": g.gloss, "start": g.start, "end": g.end} for g in seq.glosses],
        "meta": dict(seq.meta),
        "frames": xyc.tolist(),
    }


def dumps(seq: PoseSequence) -> bytes:
    return json.dumps(document_from_sequence(seq), separators=(",", ":")).encode()
