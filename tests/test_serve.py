"""The live server's protocol against a real server on a free port: frames, gloss, bad
messages, /health and POST /render."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from PIL import Image
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from signgen.io import read_canonical, write_poses
from signgen.io.video import read_video
from signgen.serve.live import LiveStream
from signgen.serve.protocol import MAX_MESSAGE_BYTES
from tests.serve_client import TIMEOUT, next_message

DATA = Path(__file__).parent / "data"


@contextmanager
def _open(address: str, **start: Any) -> Iterator[ClientConnection]:
    """A stream started with the shipped synthetic signer, from its ``ready`` on."""
    with connect(f"ws://{address}/stream", open_timeout=TIMEOUT, max_size=2**22) as ws:
        ws.send(json.dumps({"type": "start", "reference": "synthetic", **start}))
        assert next_message(ws, "ready")["size"] == 128
        yield ws


def _image(message: dict[str, Any]) -> np.ndarray:
    with Image.open(io.BytesIO(base64.b64decode(message["image"]))) as image:
        assert image.format == {"jpeg": "JPEG", "webp": "WEBP"}[message["format"]]
        return np.asarray(image.convert("RGB"))


def test_stream_sends_decodable_frames_with_latency(live_server: str) -> None:
    with _open(live_server) as ws:
        frames = [next_message(ws, "frame") for _ in range(4)]
    indices = [f["index"] for f in frames]
    assert indices == sorted(indices) and len(set(indices)) == 4
    assert frames[0]["index"] == 0 and frames[0]["kind"] == "cold"
    assert all(f["kind"] == "warm" and f["nfe"] == 1 for f in frames[1:])
    for frame in frames:
        image = _image(frame)
        assert image.shape == (128, 128, 3)
        assert 20 < image.mean() < 250 and image.std() > 5  # a picture, not a blank
        assert frame["latency_ms"] >= frame["render_ms"] > 0
        assert frame["due_ms"] > 1.7e12 and frame["batch"] >= 1
        assert frame["gloss"] is None and frame["dropped"] >= 0


def test_webp_frames(live_server: str) -> None:
    with _open(live_server, format="webp", quality=60) as ws:
        assert _image(next_message(ws, "frame")).shape == (128, 128, 3)


def test_gloss_is_joined_to_the_queue_and_signed(live_server: str) -> None:
    with _open(live_server, language="sgg") as ws:
        rest = _image(next_message(ws, "frame")).astype(np.float32)
        ws.send(json.dumps({"type": "gloss", "text": "ESSEN"}))
        queued = next_message(ws, "queued")
        assert queued["glosses"] == ["ESSEN"] and queued["frames"] > 10
        signing = None
        for _ in range(150):
            frame = next_message(ws, "frame")
            if frame["gloss"] == "ESSEN":
                signing = frame
                break
        assert signing is not None, "no frame of the gloss arrived"
        moved = np.abs(_image(signing).astype(np.float32) - rest).mean()
        assert moved > 2.0  # the signer left the rest pose
        assert signing["queued"] < queued["queued"]


def test_fingerspelled_gloss_warns_and_pose_frames_queue(live_server: str) -> None:
    with _open(live_server) as ws:
        ws.send(json.dumps({"type": "gloss", "text": "HI"}))
        assert "fingerspelled" in next_message(ws, "warning")["message"]
        assert next_message(ws, "queued")["glosses"] == ["H-I"]
        poses = read_canonical(DATA / "poses" / "sgg_essen.pose").frames(0, 5)
        frames = np.concatenate([poses.xy, poses.conf[..., None]], axis=-1)
        message = {"type": "poses", "width": poses.width, "height": poses.height}
        ws.send(json.dumps({**message, "frames": np.nan_to_num(frames).tolist()}))
        queued = next_message(ws, "queued")
        assert queued["frames"] >= 5 and queued["glosses"] == []
        ws.send(json.dumps({"type": "clear"}))
        cleared = next_message(ws, "queued")
        assert cleared["queued"] < queued["queued"]


BAD_MESSAGES = [
    ("not json {", "not JSON"),
    ("[1, 2]", "JSON object"),
    (json.dumps({"type": "dance"}), "bad 'dance' message"),
    (json.dumps({"type": "gloss", "text": ""}), "text"),
    ("x" * (MAX_MESSAGE_BYTES + 1), "byte limit"),
    (json.dumps({"type": "gloss", "text": "FOO"}), "no sign"),
    (json.dumps({"type": "gloss", "text": "ESSEN", "language": "xyz"}), "no signs for language"),
    (json.dumps({"type": "start", "image": base64.b64encode(b"no").decode()}), "not an image"),
    (json.dumps({"type": "start", "image": "%%%"}), "base64"),
    (json.dumps({"type": "start", "reference": "nobody"}), "unknown reference"),
    (json.dumps({"type": "poses", "width": 64, "height": 64, "frames": [[[0, 0, 1]]]}), "frames"),
]


def test_bad_messages_are_answered_and_other_streams_go_on(live_server: str) -> None:
    with _open(live_server) as steady, _open(live_server, language="sgg") as faulty:
        before = next_message(steady, "frame")["index"]
        for text, expected in BAD_MESSAGES:
            faulty.send(text)
            error = next_message(faulty, "error")
            assert expected in error["message"], (text[:40], error)
            assert "\n" not in error["message"] and "/" not in error["message"]
        # The faulty stream is still open and usable, the steady one never stopped.
        faulty.send(json.dumps({"type": "gloss", "text": "PIZZA"}))
        assert next_message(faulty, "queued")["glosses"] == ["PIZZA"]
        first, second = (
            next_message(faulty, "frame")["index"],
            next_message(faulty, "frame")["index"],
        )
        assert second > first
        after = next_message(steady, "frame")["index"]
        assert after > before
    health = requests.get(f"http://{live_server}/health", timeout=TIMEOUT).json()
    assert health["status"] == "ok"


def test_messages_before_start_are_refused(live_server: str) -> None:
    with connect(f"ws://{live_server}/stream", open_timeout=TIMEOUT) as ws:
        ws.send(json.dumps({"type": "gloss", "text": "A"}))
        assert "start" in next_message(ws, "error")["message"]
        ws.send(b"\x00\x01")
        assert "binary" in next_message(ws, "error")["message"]


def test_health_describes_the_server(live_server: str) -> None:
    health = requests.get(f"http://{live_server}/health", timeout=TIMEOUT).json()
    assert health["status"] == "ok"
    assert health["size"] == 128 and health["fps"] == 25.0
    assert health["max_streams"] == 4 and health["token_required"] is False
    assert health["dtype"] in ("float32", "bfloat16")


def test_page_and_references_are_served(live_server: str) -> None:
    page = requests.get(f"http://{live_server}/", timeout=TIMEOUT)
    assert page.status_code == 200 and '<canvas id="latency"' in page.text
    names = [r["name"] for r in requests.get(f"http://{live_server}/references").json()]
    assert names == ["synthetic", "signer"]
    image = requests.get(f"http://{live_server}/references/synthetic", timeout=TIMEOUT)
    assert Image.open(io.BytesIO(image.content)).size == (256, 256)
    assert requests.get(f"http://{live_server}/references/x", timeout=TIMEOUT).status_code == 404


def test_render_returns_an_mp4(live_server: str, tmp_path: Path) -> None:
    poses = tmp_path / "short.pose"
    write_poses(read_canonical(DATA / "poses" / "sgg_essen.pose").frames(0, 6), poses)
    reference = (DATA / "fake_human_256.png").read_bytes()
    response = requests.post(
        f"http://{live_server}/render",
        files={"reference": ("ref.png", reference), "poses": ("short.pose", poses.read_bytes())},
        data={"seed": "3"},
        timeout=TIMEOUT * 2,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "video/mp4"
    video_path = tmp_path / "out.mp4"
    video_path.write_bytes(response.content)
    video = read_video(video_path)
    assert video.frames.shape == (6, 128, 128, 3)
    assert video.frames.std() > 5


@pytest.mark.parametrize(
    ("files", "data", "expected"),
    [
        ({}, {"reference_name": "synthetic"}, "exactly one"),
        ({"poses": ("x.txt", b"hi")}, {}, "must end in"),
        ({"poses": ("x.pose", b"\x00" * 64)}, {}, "unusable"),
        ({"reference": ("r.png", b"nope")}, {"gloss": "A"}, "not an image"),
        ({}, {"gloss": "FOO", "language": "sgg"}, "no sign"),
    ],
)
def test_render_rejects_bad_input(
    live_server: str, files: dict[str, Any], data: dict[str, str], expected: str
) -> None:
    response = requests.post(
        f"http://{live_server}/render", files=files or None, data=data, timeout=TIMEOUT
    )
    assert response.status_code == 400
    assert expected in response.json()["error"]


def test_a_slow_reader_gets_the_newest_frame() -> None:
    async def scenario() -> list[dict[str, Any]]:
        stream = LiveStream(1, asyncio.get_running_loop())
        for index in range(5):
            stream.offer_frame({"type": "frame", "index": index})
        stream.tell("queued", frames=1)
        await asyncio.sleep(0)  # let the offers land, as they do from the scheduler thread
        return [json.loads(await stream.next_message()) for _ in range(2)]

    control, frame = asyncio.run(scenario())
    assert control["type"] == "queued"  # control messages are never dropped
    assert frame["index"] == 4 and frame["dropped"] == 4


def test_token_is_required_when_set(tiny_checkpoint: Path) -> None:
    from serve_helpers import running_server

    from signgen.serve import ServeConfig

    config = ServeConfig(checkpoint=tiny_checkpoint, token="open-sesame-1")
    with running_server(config) as address:
        with pytest.raises((ConnectionClosed, InvalidStatus)):
            with connect(f"ws://{address}/stream", open_timeout=TIMEOUT) as ws:
                ws.recv(timeout=TIMEOUT)
        denied = requests.post(f"http://{address}/render", data={"gloss": "A"}, timeout=TIMEOUT)
        assert denied.status_code == 401
        with connect(f"ws://{address}/stream?token=open-sesame-1", open_timeout=TIMEOUT) as ws:
            ws.send(json.dumps({"type": "start", "reference": "synthetic"}))
            assert next_message(ws, "ready")["size"] == 32
            assert _image(next_message(ws, "frame")).shape == (32, 32, 3)


def test_the_serve_command_starts_a_server(tiny_checkpoint: Path) -> None:
    import subprocess
    import sys
    import time

    from serve_helpers import free_port

    port = free_port()
    command = [
        sys.executable, "-c", "from signgen.cli import main; main()", "serve",
        "--port", str(port), "--checkpoint", str(tiny_checkpoint), "--max-streams", "2",
    ]  # fmt: skip
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                health = requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json()
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
        assert health["size"] == 32 and health["max_streams"] == 2
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert server.returncode is not None


def test_a_slow_step_skips_poses_instead_of_falling_behind(tiny_checkpoint: Path) -> None:
    """Steps three times longer than the frame period: each frame jumps the pose clock ahead
    (the queue drains at real time) and frames are due a whole step apart, not queued up."""
    import time

    from signgen.serve import LiveService, ServeConfig
    from signgen.serve.protocol import Start

    service = LiveService(ServeConfig(checkpoint=tiny_checkpoint, fps=50.0))
    step = service.renderer.render_step

    def slow_step(*args: Any) -> Any:
        time.sleep(0.06)  # three 20 ms periods
        return step(*args)

    service.renderer.render_step = slow_step  # type: ignore[method-assign]
    start = Start(type="start", reference="synthetic", language="sgg")
    signer = service.new_signer(service.reference(start), start)
    poses, _ = service.gloss_poses(signer, "KLEINE KINDER ESSEN PIZZA", "sgg")
    signer.queue.append(poses)

    async def scenario() -> list[dict[str, Any]]:
        stream = LiveStream(1, asyncio.get_running_loop())
        stream.signer = signer
        service.scheduler.add(stream)
        service.scheduler.start()
        try:
            return [json.loads(await stream.next_message()) for _ in range(8)]
        finally:
            await asyncio.to_thread(service.scheduler.stop)

    frames = asyncio.run(scenario())
    queued = [f["queued"] for f in frames]
    due = [f["due_ms"] for f in frames]
    assert all(a - b >= 3 for a, b in zip(queued[1:], queued[2:], strict=False)), queued
    assert all(b - a >= 59.0 for a, b in zip(due[1:], due[2:], strict=False)), due
    assert all(f["latency_ms"] < 60 + 20 + 500 for f in frames[1:])  # never a backlog
