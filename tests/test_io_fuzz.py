"""Fuzzing every parser: every malformed input must end in a signgen error, nothing else.

Pose readers: real files cut small (a few frames of the real recordings), their bytes mutated,
truncated, spliced; signgen JSON documents with NaN/inf, wrong shapes, wrong types, bad gloss
spans; arbitrary JSON documents. A case that loads must satisfy every `PoseSequence` invariant
(finite float32 points, confidences in [0, 1]). Then gloss text, batch manifests (JSONL and
CSV), checkpoint config.json, training configs and the lexicon index.csv. ~5,900 cases in all.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signgen.errors import SigngenError
from signgen.io import read_poses, write_poses
from signgen.io.signgen_json import document_from_sequence
from signgen.pose import PoseSequence

POSES = Path(__file__).parent / "data" / "poses"


# SIGNGEN_FUZZ_SCALE=20 runs 20x the cases (a longer campaign; the suite runs 1x).
SCALE = float(os.environ.get("SIGNGEN_FUZZ_SCALE", "1"))


def fuzz(cases: int) -> settings:
    return settings(
        max_examples=max(1, int(cases * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _small_real_files() -> dict[str, bytes]:
    """Real recordings cut to 2-3 frames: our own .pose (v0.2) and the original v0 OpenPose."""
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, frames in (("pose_tests_openpose.pose", 3), ("sgg_essen.pose", 2)):
            path = Path(folder) / name
            write_poses(read_poses(POSES / name).frames(0, frames), path)
            out[name] = path.read_bytes()
    original = (POSES / "pose_tests_openpose.pose").read_bytes()
    out["openpose_v0"] = original[: len(original) * 3 // 93]  # header + ~3 frames, version 0
    return out


SMALL = _small_real_files()
REAL_DOC = document_from_sequence(read_poses(POSES / "sgg_essen.pose").frames(0, 2))


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A folder for the cases; in RAM where there is one (a disk write costs ~5 ms here)."""
    ram = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=ram if ram.is_dir() else None) as folder:
        yield Path(folder)


def _check(path: Path) -> None:
    """Read ``path``: a signgen error, or a sequence that keeps every invariant."""
    try:
        seq = read_poses(path)
    except SigngenError:
        return
    assert isinstance(seq, PoseSequence)
    assert seq.num_frames >= 1 and seq.width > 0 and seq.height > 0
    assert math.isfinite(seq.fps) and seq.fps > 0
    assert seq.xy.dtype == np.float32 and np.isfinite(seq.xy).all()
    assert seq.conf.min() >= 0 and seq.conf.max() <= 1


# --- .pose bytes ----------------------------------------------------------------------------

mutations = st.lists(
    st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8
)


@fuzz(1500)
@given(name=st.sampled_from(sorted(SMALL)), changes=mutations)
def test_pose_reader_survives_mutated_bytes(
    scratch: Path, name: str, changes: list[tuple[float, int]]
) -> None:
    data = bytearray(SMALL[name])
    header_end = min(len(data), 4000)  # aim half the changes at the header, where sizes live
    for i, (where, value) in enumerate(changes):
        span = header_end if i % 2 == 0 else len(data)
        data[int(where * span)] = value
    path = scratch / "mutated.pose"
    path.write_bytes(bytes(data))
    _check(path)


@fuzz(400)
@given(name=st.sampled_from(sorted(SMALL)), cut=st.floats(0, 1), junk=st.binary(max_size=64))
def test_pose_reader_survives_truncation_and_junk(
    scratch: Path, name: str, cut: float, junk: bytes
) -> None:
    data = SMALL[name]
    path = scratch / "cut.pose"
    path.write_bytes(data[: int(cut * len(data))] + junk)
    _check(path)


@fuzz(200)
@given(name=st.sampled_from(sorted(SMALL)), a=st.floats(0, 1), b=st.floats(0, 1))
def test_pose_reader_survives_spliced_copies(scratch: Path, name: str, a: float, b: float) -> None:
    data = SMALL[name]
    i, j = sorted((int(a * len(data)), int(b * len(data))))
    path = scratch / "spliced.pose"
    path.write_bytes(data[:j] + data[i:])  # a repeated (or, i == j, unchanged) stretch
    _check(path)


def test_pose_reader_keeps_numpy_warnings_inside(scratch: Path) -> None:
    # A splice that puts NaN into a version-0 body: pose-format's cast warned about it.
    data = SMALL["openpose_v0"]
    i, j = int(0.6875 * len(data)), int(0.78125 * len(data))
    path = scratch / "nan.pose"
    path.write_bytes(data[:j] + data[i:])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _check(path)


def test_pose_reader_rejects_impossible_sizes_before_allocating(scratch: Path) -> None:
    data = bytearray(SMALL["pose_tests_openpose.pose"])
    body = len(data) - 3 * 137 * 3 * 4 - 10  # v0.2 body: fps f32, frames u32, people u16
    data[body + 4 : body + 8] = (4_000_000_000).to_bytes(4, "little")
    path = scratch / "huge.pose"
    path.write_bytes(bytes(data))
    with pytest.raises(SigngenError, match="truncated body"):
        read_poses(path)


# --- signgen JSON ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["format", "layout", "fps", "width", "height", "glosses", "frames"]


def _write_json(scratch: Path, document: Any) -> Path:
    path = scratch / "doc.json"
    path.write_text(json.dumps(document))  # NaN/inf become the NaN/Infinity tokens
    return path


@fuzz(800)
@given(field=st.sampled_from(FIELDS), value=json_values, drop=st.booleans())
def test_json_reader_survives_wrong_field_values(
    scratch: Path, field: str, value: Any, drop: bool
) -> None:
    document = dict(REAL_DOC)
    if drop:
        del document[field]
    else:
        document[field] = value
    _check(_write_json(scratch, document))


bad_numbers = st.sampled_from([math.nan, math.inf, -math.inf, 1e39, -1e300, 2.0, -0.5, "7", None])


@fuzz(500)
@given(
    frame=st.integers(0, 1),
    point=st.integers(0, 177),
    channel=st.integers(0, 2),
    value=bad_numbers,
    reshape=st.sampled_from(["none", "drop_point", "extra_channel", "flat", "empty", "ragged"]),
)
def test_json_reader_survives_bad_frames(
    scratch: Path, frame: int, point: int, channel: int, value: Any, reshape: str
) -> None:
    frames = json.loads(json.dumps(REAL_DOC["frames"]))
    frames[frame][point][channel] = value
    if reshape == "drop_point":
        frames[frame].pop()
    elif reshape == "extra_channel":
        frames[frame][point].append(0.5)
    elif reshape == "flat":
        frames = [v for f in frames for p in f for v in p]
    elif reshape == "empty":
        frames = []
    elif reshape == "ragged":
        frames[frame] = frames[frame][:point]
    path = _write_json(scratch, {**REAL_DOC, "frames": frames})
    if value in (2.0, -0.5) and channel < 2 and reshape == "none":
        _check(path)  # a coordinate of 2 or -0.5 px is legal
    else:
        with pytest.raises(SigngenError):
            read_poses(path)


@fuzz(300)
@given(
    spans=st.lists(
        st.fixed_dictionaries(
            {"gloss": st.text(max_size=4), "start": st.integers(-3, 5), "end": st.integers(-3, 5)}
        ),
        max_size=3,
    )
)
def test_json_reader_checks_gloss_spans(scratch: Path, spans: list[dict[str, Any]]) -> None:
    path = _write_json(scratch, {**REAL_DOC, "glosses": spans})
    valid = all(s["gloss"] and 0 <= s["start"] < s["end"] <= 2 for s in spans)
    if valid:
        assert len(read_poses(path).glosses) == len(spans)
    else:
        with pytest.raises(SigngenError):
            read_poses(path)


@fuzz(400)
@given(document=json_values)
def test_any_json_document_is_read_or_refused(scratch: Path, document: Any) -> None:
    _check(_write_json(scratch, document))


TEXT = json.dumps({**REAL_DOC, "frames": REAL_DOC["frames"]}).encode()


@fuzz(300)
@given(changes=mutations, cut=st.floats(0.0, 1.0))
def test_json_reader_survives_mutated_text(
    scratch: Path, changes: list[tuple[float, int]], cut: float
) -> None:
    data = bytearray(TEXT)
    for where, value in changes:
        data[int(where * len(data))] = value
    path = scratch / "text.json"
    path.write_bytes(bytes(data[: max(1, int(cut * len(data)))] if cut < 0.5 else data))
    _check(path)


# --- other tools' JSON and CSV -------------------------------------------------------------------

FORMATS = Path(__file__).parent / "data" / "pose_formats"
RTMW = json.loads((FORMATS / "rtmw_predictions.json").read_text())
OPENPOSE_FRAME = json.loads(
    (FORMATS / "openpose_json" / "signer_000000000000_keypoints.json").read_text()
)
CSV = (FORMATS / "deepfashion_annotations.csv").read_bytes()


def _replace_somewhere(document: Any, path: list[int], value: Any) -> Any:
    """``document`` with the node reached by following ``path`` (indices mod size) replaced."""
    if not path or not isinstance(document, (dict, list)) or not document:
        return value
    keys = list(document) if isinstance(document, dict) else list(range(len(document)))
    key = keys[path[0] % len(keys)]
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[key] = _replace_somewhere(document[key], path[1:], value)  # type: ignore[index]
    return copy


@fuzz(400)
@given(
    which=st.sampled_from(["rtmw", "openpose"]),
    path=st.lists(st.integers(0, 500), max_size=6),
    value=json_values,
)
def test_tool_json_readers_survive_replaced_nodes(
    scratch: Path, which: str, path: list[int], value: Any
) -> None:
    document = RTMW if which == "rtmw" else OPENPOSE_FRAME
    _check(_write_json(scratch, _replace_somewhere(document, path, value)))


@fuzz(300)
@given(changes=mutations, cut=st.floats(0.0, 1.0))
def test_deepfashion_reader_survives_mutated_text(
    scratch: Path, changes: list[tuple[float, int]], cut: float
) -> None:
    data = bytearray(CSV)
    for where, value in changes:
        data[int(where * len(data))] = value
    path = scratch / "poses.csv"
    path.write_bytes(bytes(data[: int(cut * len(data))] if cut < 0.3 else data))
    _check(path)


# --- gloss text ----------------------------------------------------------------------------------

GLOSS_WORDS = ["HELLO", "ESSEN", "PIZZA", "A-N-N-A", "X", "A", "-", "--", "A-", "[b]", "[/x]"]
gloss_text = st.lists(
    st.sampled_from(GLOSS_WORDS) | st.text(min_size=1, max_size=6), min_size=0, max_size=4
).map(" ".join) | st.text(max_size=24)


@pytest.fixture(scope="module")
def lexicon() -> Any:
    from signgen.gloss import Lexicon

    return Lexicon.default()


@fuzz(40)
@given(text=gloss_text, language=st.sampled_from(["ase", "sgg", "SGG", "xyz", "", "a s e"]))
def test_gloss_text_is_signed_or_refused(lexicon: Any, text: str, language: str) -> None:
    from signgen.gloss import glosses_to_poses

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fingerspelled fallbacks warn
        try:
            seq = glosses_to_poses(text, language=language, lexicon=lexicon, fps=10.0)
        except SigngenError:
            return
    assert seq.num_frames >= 1 and np.isfinite(seq.xy).all()
    assert [g.gloss for g in seq.glosses] and seq.glosses[-1].end == seq.num_frames


# --- batch manifests ---------------------------------------------------------------------------

MANIFEST_ROW = {"id": "a", "reference": "ref.png", "poses": "a.pose", "seed": 1, "steps": 2}
MANIFEST_FIELDS = [*MANIFEST_ROW, "gloss", "fps", "t0", "output", "language", "extra"]


def _manifest_result(path: Path, scratch: Path) -> None:
    from signgen.batch import load_manifest

    try:
        manifest = load_manifest(path, scratch / "out")
    except SigngenError:
        return
    for job in manifest.jobs:  # every job's output stays inside the output folder
        assert job.output.resolve().is_relative_to((scratch / "out").resolve())


@fuzz(100)
@given(
    rows=st.lists(
        st.dictionaries(st.sampled_from(MANIFEST_FIELDS), json_values, max_size=5) | json_values,
        min_size=1,
        max_size=4,
    )
)
def test_jsonl_manifest_rows_are_jobs_or_problems(scratch: Path, rows: list[Any]) -> None:
    path = scratch / "clips.jsonl"
    path.write_text("".join(json.dumps({**MANIFEST_ROW, **r} if isinstance(r, dict) else r)
                            + "\n" for r in rows))  # fmt: skip
    _manifest_result(path, scratch)


CSV_MANIFEST = b"id,reference,poses,seed,output\na,ref.png,a.pose,1,\nb,ref.png,b.pose,,day/b.mp4\n"


@fuzz(150)
@given(changes=mutations, cut=st.floats(0, 1), suffix=st.sampled_from([".csv", ".jsonl"]))
def test_manifest_survives_mutated_bytes(
    scratch: Path, changes: list[tuple[float, int]], cut: float, suffix: str
) -> None:
    data = bytearray(CSV_MANIFEST if suffix == ".csv" else json.dumps(MANIFEST_ROW).encode())
    for where, value in changes:
        data[int(where * len(data))] = value
    path = scratch / f"clips{suffix}"
    path.write_bytes(bytes(data[: int(cut * len(data))] if cut < 0.3 else data))
    _manifest_result(path, scratch)


# --- config.json (checkpoints) and training configs -------------------------------------------


def _model_document() -> dict[str, Any]:
    from signgen.model import TINY

    return {"format": "signgen.rpfm/1", "model": TINY.to_dict()}


MODEL_DOC = _model_document()


@fuzz(150)
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=4), value=json_values)
def test_checkpoint_config_is_read_or_refused(scratch: Path, path: list[int], value: Any) -> None:
    from signgen.checkpoint import load_config
    from signgen.model import RPFMConfig

    folder = scratch / "ckpt"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps(_replace_somewhere(MODEL_DOC, path, value)))
    try:
        config = load_config(folder)
    except SigngenError:
        return
    assert isinstance(config, RPFMConfig)
    sizes = [config.image_size, config.autoencoder.latent_channels, config.velocity.norm_groups]
    assert all(type(s) is int and 1 <= s <= 4096 for s in sizes)


@fuzz(100)
@given(
    values=st.dictionaries(
        st.sampled_from(["steps", "lr", "warp", "soften", "out", "block_channels", "seed",
                         "max_minutes", "rollout_depth", "lost_hands", "unknown"]),
        json_values,
        max_size=3,
    )
)  # fmt: skip
def test_training_config_is_built_or_refused(scratch: Path, values: dict[str, Any]) -> None:
    from signgen.train.config import FlowTrainConfig, build_config

    path = scratch / "train.json"
    path.write_text(json.dumps(values))
    try:
        config = build_config(FlowTrainConfig, path, {})
    except SigngenError:
        return
    for name, value in values.items():  # what was accepted was taken as written
        kept = getattr(config, name)
        assert kept == (tuple(value) if isinstance(value, list) else value) or isinstance(
            kept, Path
        )


@fuzz(100)
@given(changes=mutations, cut=st.floats(0, 1))
def test_config_files_survive_mutated_bytes(
    scratch: Path, changes: list[tuple[float, int]], cut: float
) -> None:
    from signgen.checkpoint import load_config
    from signgen.train.config import FlowTrainConfig, build_config

    data = bytearray(json.dumps(MODEL_DOC).encode())
    for where, value in changes:
        data[int(where * len(data))] = value
    folder = scratch / "mutated"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_bytes(bytes(data[: int(cut * len(data))] if cut < 0.3 else data))
    for read in (lambda: load_config(folder),
                 lambda: build_config(FlowTrainConfig, folder / "config.json", {})):  # fmt: skip
        try:
            read()
        except SigngenError:
            pass


# --- the lexicon index ------------------------------------------------------------------------

INDEX = (
    b"gloss,signed_language,spoken_language,words,file,start_ms,end_ms,priority\n"
    b"HELLO,ase,en,hello|hi,ase/hello.json,,,0\nESSEN,sgg,de,essen,sgg/essen.json,100,900,1\n"
)


@fuzz(150)
@given(changes=mutations, cut=st.floats(0, 1), bom=st.booleans())
def test_lexicon_index_survives_mutated_bytes(
    scratch: Path, changes: list[tuple[float, int]], cut: float, bom: bool
) -> None:
    from signgen.gloss.index import read_index

    data = bytearray(INDEX)
    for where, value in changes:
        data[int(where * len(data))] = value
    path = scratch / "index.csv"
    body = bytes(data[: int(cut * len(data))] if cut < 0.3 else data)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body)
    try:
        read_index(path)
    except SigngenError:
        pass
