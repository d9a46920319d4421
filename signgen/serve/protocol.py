"""The WebSocket protocol of `signgen serve`: what a client may send, validated by pydantic.

Every client message is one JSON text message with a ``type``:

- ``start``: the reference signer, once per stream (a shipped ``reference`` by name, or an
  uploaded ``image`` as base64 PNG/JPEG), the frame ``format``, ``quality`` and ``size``
  (128 or 256 px), the sign ``language`` of later gloss text and the ``seed`` of the stream's
  fixed noise. A photo is shown with its own pixels moved (the real-pixel path) in ``size``
  px frames; the shipped synthetic signer, or any reference with ``full_generation``, is drawn
  whole by the model at its own size. A stream may start again with another signer.
- ``gloss``: gloss text, turned into poses through the lexicon and joined to what is queued.
- ``poses``: pose frames (canonical 543 points as ``[x, y, confidence]`` in a ``width`` x
  ``height`` frame), fitted to the signer and joined to what is queued.
- ``clear``: drop what is queued; the signer returns to rest.

The server answers with ``ready``, ``queued``, ``frame``, ``warning`` and ``error`` messages
(`signgen.serve.live`). A message that fails here gets one ``error`` line; the stream goes on.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from signgen.errors import ConfigError
from signgen.pose.layouts import CANONICAL

MAX_MESSAGE_BYTES = 2 * 1024 * 1024
"""Largest client message (a base64 reference photo fits; anything larger is refused)."""
MAX_TEXT_CHARS = 500
"""Longest gloss text of one message."""
MAX_POSE_FRAMES = 250
"""Most pose frames in one message (10 s at 25 fps)."""
POINTS = CANONICAL.num_points


FrameSize = Literal[128, 256]
"""Frame sizes a stream may ask for (px a side). 128 is the live default: on a CPU a 256 px
photo stream costs about twice the compose time per frame (see the page and the README)."""


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Start(_Message):
    type: Literal["start"]
    reference: str | None = Field(default=None, max_length=64)
    image: str | None = Field(default=None, max_length=MAX_MESSAGE_BYTES)
    format: Literal["jpeg", "webp"] = "jpeg"
    quality: int = Field(default=85, ge=10, le=100)
    size: FrameSize = 128
    full_generation: bool = False
    language: str = Field(default="ase", min_length=2, max_length=8)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class Gloss(_Message):
    type: Literal["gloss"]
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    language: str | None = Field(default=None, min_length=2, max_length=8)


Point = tuple[float, float, float]


class Poses(_Message):
    type: Literal["poses"]
    width: int = Field(ge=8, le=8192)
    height: int = Field(ge=8, le=8192)
    frames: list[Annotated[list[Point], Field(min_length=POINTS, max_length=POINTS)]] = Field(
        min_length=1, max_length=MAX_POSE_FRAMES
    )


class Clear(_Message):
    type: Literal["clear"]


ClientMessage = Annotated[Start | Gloss | Poses | Clear, Field(discriminator="type")]
_PARSER: TypeAdapter[Start | Gloss | Poses | Clear] = TypeAdapter(ClientMessage)


def parse_message(text: str | bytes) -> Start | Gloss | Poses | Clear:
    """One client message, validated. Raises ConfigError with a one-line reason."""
    if isinstance(text, bytes):
        raise ConfigError("binary messages are not accepted: send JSON text")
    if len(text) > MAX_MESSAGE_BYTES:
        raise ConfigError(
            f"message of {len(text)} bytes is larger than the {MAX_MESSAGE_BYTES} byte limit"
        )
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(f"not JSON: {error.msg} at character {error.pos}") from None
    if not isinstance(raw, dict) or "type" not in raw:
        raise ConfigError('a message must be a JSON object with a "type"')
    try:
        return _PARSER.validate_python(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"bad {raw.get('type')!r} message: {where}: {first['msg']}") from None
