"""A real photo (a BIU-MG frame) on a real server over the WebSocket and POST /render: the
stream starts as the photo itself (the real-pixel path keeps the person) at the size asked
for, signs, and a photo with no person is one error on its own stream."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image
from websockets.sync.client import connect

from signgen.io import read_canonical, write_poses
from signgen.io.image import read_image
from signgen.io.video import read_video
from signgen.metrics import psnr
from tests.serve_client import TIMEOUT, next_message

DATA = Path(__file__).parent / "data"
PHOTO = DATA / "real" / "maayan_00.png"  # BIU-MG, credit Bar-Ilan University, Maayan Gazuli


def _image(message: dict[str, Any]) -> np.ndarray:
    with Image.open(io.BytesIO(base64.b64decode(message["image"]))) as image:
        return np.asarray(image.convert("RGB"))


def _upload(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def test_a_photo_stream_starts_as_the_photo_and_signs(live_server: str) -> None:
    start = {"type": "start", "image": _upload(PHOTO), "size": 256, "quality": 95,
             "language": "sgg"}  # fmt: skip
    with connect(f"ws://{live_server}/stream", open_timeout=TIMEOUT, max_size=2**22) as ws:
        ws.send(json.dumps(start))
        assert next_message(ws, "ready")["size"] == 256
        first = next_message(ws, "frame")
        rest = _image(first)
        assert rest.shape == (256, 256, 3)
        assert psnr(rest, read_image(PHOTO, size=256)) > 28.0  # her own pixels, not redrawn
        assert first["render_ms"] > 0 and first["nfe"] >= 1
        ws.send(json.dumps({"type": "gloss", "text": "ESSEN"}))
        signing = None
        for _ in range(200):
            frame = next_message(ws, "frame")
            if frame["gloss"] == "ESSEN":
                signing = _image(frame)
                break
        assert signing is not None, "no frame of the gloss arrived"
        assert np.abs(signing.astype(np.float32) - rest).mean() > 1.0  # she moved


def test_a_photo_without_a_person_is_an_error_on_its_stream_only(live_server: str) -> None:
    blank = io.BytesIO()
    Image.new("RGB", (300, 300), (40, 120, 200)).save(blank, format="PNG")
    nobody = "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode("ascii")
    address = f"ws://{live_server}/stream"
    with (
        connect(address, open_timeout=TIMEOUT, max_size=2**22) as steady,
        connect(address, open_timeout=TIMEOUT, max_size=2**22) as faulty,
    ):
        steady.send(json.dumps({"type": "start", "reference": "signer"}))
        assert next_message(steady, "ready")["size"] == 128  # the live default
        before = next_message(steady, "frame")["index"]
        faulty.send(json.dumps({"type": "start", "image": nobody}))
        error = next_message(faulty, "error")["message"]
        assert "no signer" in error and "\n" not in error
        faulty.send(json.dumps({"type": "start", "reference": "signer", "size": 512}))
        assert "size" in next_message(faulty, "error")["message"]
        faulty.send(json.dumps({"type": "start", "reference": "signer"}))  # the stream goes on
        assert _image(next_message(faulty, "frame")).shape == (128, 128, 3)
        assert next_message(steady, "frame")["index"] > before


def test_render_keeps_the_photo(live_server: str, tmp_path: Path) -> None:
    poses = tmp_path / "short.pose"
    write_poses(read_canonical(DATA / "poses" / "sgg_essen.pose").frames(0, 6), poses)
    response = requests.post(
        f"http://{live_server}/render",
        files={"reference": ("ref.png", PHOTO.read_bytes()),
               "poses": ("short.pose", poses.read_bytes())},
        data={"size": "256"},
        timeout=TIMEOUT * 2,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    video_path = tmp_path / "out.mp4"
    video_path.write_bytes(response.content)
    video = read_video(video_path).frames
    assert video.shape == (6, 256, 256, 3)
    assert psnr(video[0], read_image(PHOTO, size=256)) > 28.0
    refused = requests.post(
        f"http://{live_server}/render",
        files={"reference": ("blank.png", _blank_png())},
        data={"gloss": "A"},
        timeout=TIMEOUT,
    )
    assert refused.status_code == 400 and "no signer" in refused.json()["error"]
    too_big = requests.post(
        f"http://{live_server}/render", data={"gloss": "A", "size": "512"}, timeout=TIMEOUT
    )
    assert too_big.status_code == 400 and "128 or 256" in too_big.json()["error"]


def _blank_png() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (300, 300), (40, 120, 200)).save(data, format="PNG")
    return data.getvalue()
