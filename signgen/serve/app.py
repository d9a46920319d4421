"""The ASGI app of `signgen serve`: the page, `/health`, `POST /render` and `/stream`.

Every error a client causes is answered on its own request or stream (HTTP 400 with one
``error`` line, or an ``error`` message on the WebSocket); the server and other streams go on.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, get_args

from fastapi import FastAPI, File, Form, Request, UploadFile, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.websockets import WebSocketDisconnect

from signgen.errors import ConfigError, ImageError, PoseFileError, SigngenError
from signgen.io.image import read_image
from signgen.pose.sequence import PoseSequence
from signgen.serve.images import decode_image
from signgen.serve.live import LiveStream
from signgen.serve.protocol import (
    MAX_MESSAGE_BYTES,
    Clear,
    FrameSize,
    Gloss,
    Poses,
    Start,
    parse_message,
)
from signgen.serve.service import (
    REFERENCES,
    LiveService,
    ServeConfig,
    is_photo,
    shipped_reference,
)

STATIC = Path(__file__).parent / "static"
MAX_POSE_FILE_BYTES = 8 * 1024 * 1024
POSE_SUFFIXES = (".pose", ".json", ".csv")
log = logging.getLogger("signgen.serve")
UNAUTHORIZED = 1008  # WebSocket close code: policy violation
BUSY = 1013  # WebSocket close code: try again later


def create_app(config: ServeConfig, service: LiveService | None = None) -> FastAPI:
    """The app; the model loads when it starts (or pass a loaded ``service``)."""
    state: dict[str, LiveService] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        live = service if service is not None else await asyncio.to_thread(LiveService, config)
        state["service"] = live
        live.scheduler.start()
        try:
            yield
        finally:
            await asyncio.to_thread(live.scheduler.stop)

    app = FastAPI(title="signgen live", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    numbers = itertools.count(1)
    connected: set[int] = set()  # open streams, started or not

    def allowed(given: str | None) -> bool:
        return config.token is None or (
            given is not None and secrets.compare_digest(given, config.token)
        )

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/health")
    async def health() -> dict[str, Any]:
        live = state["service"]
        stats = live.scheduler.stats
        return {
            "status": "ok",
            "streams": len(live.scheduler),
            "max_streams": config.max_streams,
            "fps": config.fps,
            "size": live.size,
            "device": str(live.renderer.device),
            "dtype": str(live.renderer.dtype).removeprefix("torch."),
            "frames": stats.frames,
            "last_step_ms": round(stats.last_step_ms, 3),
            "token_required": config.token is not None,
        }

    @app.get("/references")
    async def references() -> list[dict[str, str]]:
        return [{"name": name, "url": f"/references/{name}"} for name in REFERENCES]

    @app.get("/references/{name}")
    async def reference(name: str) -> Response:
        path = REFERENCES.get(name)
        if path is None:
            return _error(f"unknown reference {name!r}", 404)
        return FileResponse(path, media_type="image/png")

    @app.post("/render")
    async def render(
        request: Request,
        reference: UploadFile | None = File(None),
        reference_name: str | None = Form(None, max_length=64),
        poses: UploadFile | None = File(None),
        gloss: str | None = Form(None, max_length=500),
        language: str = Form("ase", max_length=8),
        seed: int = Form(0, ge=0, le=2**31 - 1),
        size: int = Form(128),
        full_generation: bool = Form(False),
    ) -> Response:
        """Reference (upload or shipped name) + pose file or gloss text -> H.264 mp4: a photo's
        own pixels moved, in ``size`` px frames; the synthetic signer (or any reference with
        ``full_generation``) drawn whole by the model at its own size."""
        if not allowed(_http_token(request)):
            return _error("a valid token is required", 401)
        live = state["service"]
        try:
            if (poses is None) == (gloss is None):
                raise ConfigError("give either a poses file or gloss text (exactly one)")
            if size not in get_args(FrameSize):
                sizes = " or ".join(str(s) for s in get_args(FrameSize))
                raise ConfigError(f"size must be {sizes} px, got {size}")
            name = None if reference is not None else reference_name or "synthetic"
            frame_size = live.frame_size(name, full_generation, size)
            if reference is not None:
                data = await _read_bounded(reference, MAX_MESSAGE_BYTES, "reference image")
                image = await asyncio.to_thread(decode_image, data, frame_size)
            else:
                path = shipped_reference(name or "")
                image = await asyncio.to_thread(read_image, path, frame_size)
            if poses is not None:
                sequence = await _read_pose_upload(poses)
            else:
                assert gloss is not None
                sequence = await asyncio.to_thread(live.offline_poses, gloss, language)
            photo = is_photo(name, full_generation)
            video = await asyncio.to_thread(live.render_video, image, sequence, seed, photo)
        except SigngenError as error:
            return _error(error.message, 400)
        return Response(video, media_type="video/mp4")

    @app.websocket("/stream")
    async def stream(socket: WebSocket) -> None:
        if not allowed(socket.query_params.get("token")):
            await socket.close(code=UNAUTHORIZED, reason="a valid token is required")
            return
        await socket.accept()
        live = state["service"]
        if len(connected) >= config.max_streams:
            message = f"the server is full ({config.max_streams} streams): try again later"
            await socket.send_json({"type": "error", "message": message})
            await socket.close(code=BUSY)
            return
        client = LiveStream(next(numbers), asyncio.get_running_loop())
        connected.add(client.number)
        sender = asyncio.create_task(_send_loop(socket, client))
        limit = _RateLimit(config.messages_per_s)
        try:
            while True:
                event = await socket.receive()
                if event["type"] == "websocket.disconnect":
                    break
                if not limit.allow():
                    rate = config.messages_per_s
                    client.tell("error", message=f"too many messages: at most {rate:g} a second")
                    continue
                try:
                    parsed = parse_message(event.get("text") or event.get("bytes") or b"")
                    await _handle(live, client, parsed)
                except SigngenError as error:
                    client.tell("error", message=error.message)
                except Exception as error:  # noqa: BLE001  # a bug must not end the stream
                    log.exception("a stream message failed")
                    client.tell("error", message=f"internal error: {type(error).__name__}")
        except WebSocketDisconnect:
            pass
        finally:
            connected.discard(client.number)
            client.closed = True
            live.scheduler.remove(client)
            sender.cancel()

    return app


async def _handle(
    live: LiveService, client: LiveStream, message: Start | Gloss | Poses | Clear
) -> None:
    """Act on one valid client message."""
    if isinstance(message, Start):
        image = await asyncio.to_thread(live.reference, message)
        client.signer = await asyncio.to_thread(live.new_signer, image, message)
        live.scheduler.add(client)
        client.tell(
            "ready",
            size=client.signer.size,
            fps=live.config.fps,
            format=message.format,
            language=client.signer.language,
            max_queue_s=live.config.max_queue_s,
        )
        return
    signer = client.signer
    if signer is None:
        raise ConfigError('send a "start" message (the reference signer) first')
    if isinstance(message, Clear):
        signer.queue.clear()
        client.tell("queued", frames=0, queued=len(signer.queue), glosses=[])
        return
    notes: list[str] = []
    if isinstance(message, Gloss):
        language = message.language or signer.language
        poses, notes = await asyncio.to_thread(live.gloss_poses, signer, message.text, language)
    else:
        poses = await asyncio.to_thread(live.pose_chunk, signer, message)
    added = signer.queue.append(poses)
    for note in notes:
        client.tell("warning", message=note)
    client.tell(
        "queued",
        frames=added,
        queued=len(signer.queue),
        glosses=[span.gloss for span in poses.glosses],
    )


async def _send_loop(socket: WebSocket, client: LiveStream) -> None:
    """Send the stream's messages as fast as the client takes them (newest frame wins)."""
    try:
        while True:
            await socket.send_text(await client.next_message())
    except (WebSocketDisconnect, RuntimeError, OSError):
        return  # the client went away; the receive loop cleans up


class _RateLimit:
    """A token bucket: ``rate`` messages a second, bursts of twice that."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = 2 * rate
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _http_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("token")


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _read_bounded(upload: UploadFile, limit: int, what: str) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ImageError(f"the {what} is larger than {limit} bytes")
    return data


async def _read_pose_upload(upload: UploadFile) -> PoseSequence:
    """An uploaded pose file (any supported format, told by its name's suffix)."""
    from signgen.io import read_poses

    suffix = Path(upload.filename or "").suffix.lower()
    if suffix not in POSE_SUFFIXES:
        raise PoseFileError(f"the pose file must end in {', '.join(POSE_SUFFIXES)}")
    data = await upload.read(MAX_POSE_FILE_BYTES + 1)
    if len(data) > MAX_POSE_FILE_BYTES:
        raise PoseFileError(f"the pose file is larger than {MAX_POSE_FILE_BYTES} bytes")

    def read() -> PoseSequence:
        with tempfile.TemporaryDirectory(prefix="signgen-serve-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            try:
                return read_poses(path)
            except SigngenError as error:
                raise PoseFileError(f"the pose file is unusable: {error.message}") from None

    return await asyncio.to_thread(read)
