"""`signgen batch` with a real photo (a BIU-MG frame) through the shipped checkpoint: the
real-pixel path keeps the person (the first frame is the photo), a reference with no person
fails its clips with one line while the batch goes on, --full-generation keeps the model's
own look at its own size, and --sampler sets how the network is sampled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from signgen.cli import app
from signgen.io import read_poses, write_poses
from signgen.io.image import read_image
from signgen.io.video import read_video
from signgen.metrics import psnr
from signgen.report import read_report

DATA = Path(__file__).parent / "data"
PHOTO = DATA / "real" / "maayan_00.png"  # BIU-MG, credit Bar-Ilan University, Maayan Gazuli
runner = CliRunner()


@pytest.fixture(scope="module")
def photo_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A manifest of two clips of the photo (one batch) and one of an image with no person."""
    folder = tmp_path_factory.mktemp("photo_batch")
    write_poses(read_poses(DATA / "poses" / "sgg_essen.pose").frames(0, 6), folder / "a.pose")
    Image.new("RGB", (300, 300), (40, 120, 200)).save(folder / "blank.png")
    rows = [
        {"id": "maayan", "reference": str(PHOTO), "poses": "a.pose"},
        {"id": "nobody", "reference": "blank.png", "poses": "a.pose"},
        {"id": "maayan-2", "reference": str(PHOTO), "poses": "a.pose", "seed": 5},
    ]
    manifest = folder / "photo.jsonl"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return manifest


def _batch(manifest: Path, out: Path, *args: str, failed: int) -> list[dict[str, object]]:
    fixed = ["--device", "cpu", "--threads", "1", "--batch-size", "2"]
    result = runner.invoke(app, ["batch", str(manifest), "--out", str(out), *fixed, *args])
    assert result.exit_code == (1 if failed else 0), result.output
    assert (f"{failed} of 3 clips not rendered" in result.output) == bool(failed)
    return json.loads((out / "batch_report.json").read_text())["clips"]  # type: ignore[no-any-return]


def test_a_photo_keeps_its_pixels_and_a_photo_without_a_person_fails_alone(
    photo_batch: Path, tmp_path: Path
) -> None:
    out = tmp_path / "real"
    clips = {c["id"]: c for c in _batch(photo_batch, out, failed=1)}
    assert [clips[k]["status"] for k in ("maayan", "nobody", "maayan-2")] == [
        "rendered", "failed", "rendered",
    ]  # fmt: skip
    error = str(clips["nobody"]["error"])
    assert "blank.png" in error and "no signer" in error and "\n" not in error
    photo = read_image(PHOTO, size=256)
    for name in ("maayan", "maayan-2"):
        video = read_video(out / f"{name}.mp4").frames
        assert video.shape == (6, 256, 256, 3)
        assert psnr(video[0], photo) > 28.0, name  # the clip starts as the photo itself
    report = read_report(out / "maayan.latency.json")
    assert report.meta["size"] == 256
    assert all(frame.compose_ms > 0 for frame in report.frames)
    assert report.meta["options"]["smoothing"] == "none"  # moves with the poses as they are


def test_full_generation_and_a_sampling_recipe(photo_batch: Path, tmp_path: Path) -> None:
    recipe = tmp_path / "three_steps.json"
    recipe.write_text(json.dumps({"format": "signgen.sampler/1", "steps": 3}))
    out = tmp_path / "full"
    args = ("--full-generation", "--sampler", str(recipe))
    clips = {c["id"]: c for c in _batch(photo_batch, out, *args, failed=0)}
    assert clips["nobody"]["status"] == "rendered"  # the model draws anyone, no person needed
    video = read_video(out / "maayan.mp4").frames
    assert video.shape == (6, 128, 128, 3)
    # The model redraws the photo in its synthetic look: far from the photo's own pixels.
    assert psnr(video[0], read_image(PHOTO, size=128)) < 25.0
    report = read_report(out / "maayan.latency.json")
    assert report.meta["options"]["steps"] == 3 and report.frames[0].nfe == 3
