"""Live serving (DESIGN.md section 12): `signgen serve`, a WebSocket stream of rendered frames,
offline renders over HTTP and a browser page; see `create_app`."""

from signgen.serve.app import create_app
from signgen.serve.service import LiveService, ServeConfig

__all__ = ["LiveService", "ServeConfig", "create_app"]
