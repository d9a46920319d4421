"""What the live-server tests share as a WebSocket client."""

from __future__ import annotations

import json
from typing import Any

from websockets.sync.client import ClientConnection

TIMEOUT = 120.0  # s: first frames include loading on a busy 2-core machine


def next_message(ws: ClientConnection, kind: str, limit: int = 200) -> dict[str, Any]:
    """The next message of type ``kind`` (frames in between are skipped; an error message
    fails the test unless frames are what is awaited)."""
    for _ in range(limit):
        message = json.loads(ws.recv(timeout=TIMEOUT))
        if message["type"] == kind:
            return message
        assert kind == "frame" or message["type"] != "error", message
    raise AssertionError(f"no {kind} message in {limit} messages")
