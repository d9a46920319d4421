"""`signgen serve`: the live server (WebSocket stream, offline renders, browser page)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from signgen.cli.app import DEFAULT_CHECKPOINT, Checkpoint, app, console, fail
from signgen.errors import ConfigError, SigngenError

WS_MAX_BYTES = 4 * 1024 * 1024  # the transport's cap; the app refuses messages over 2 MiB itself


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    checkpoint: Checkpoint = DEFAULT_CHECKPOINT,
    fps: Annotated[float, typer.Option(help="Frame rate of every stream.")] = 25.0,
    max_streams: Annotated[int, typer.Option(help="Open streams at most.")] = 8,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="SIGNGEN_TOKEN",
            help="Require this token (?token= on the page and stream, or a Bearer header).",
        ),
    ] = None,
    device: Annotated[str, typer.Option(help="auto, cpu or cuda.")] = "auto",
    dtype: Annotated[
        str, typer.Option(help="auto (bf16 where the hardware runs it natively), bf16 or fp32.")
    ] = "auto",
    threads: Annotated[int | None, typer.Option(help="Torch CPU threads.")] = None,
    sampler: Annotated[
        Path | None,
        typer.Option(help="Sampling recipe (JSON) instead of the checkpoint's own sampler.json."),
    ] = None,
) -> None:
    """Serve live rendering: a browser page at /, a WebSocket stream at /stream, POST /render
    (reference + poses or gloss -> mp4) and GET /health.

    A photo of a person is shown with its own pixels moved into the poses (the model draws
    only what the photo does not show); a stream picks 128 or 256 px frames.

    Example: signgen serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    import uvicorn

    from signgen.render.recipe import load_recipe
    from signgen.serve import ServeConfig, create_app

    try:
        if not 0 < port < 65536:
            raise ConfigError(f"port must be in 1..65535, got {port}")
        config = ServeConfig(
            checkpoint=checkpoint,
            device=device,
            dtype=dtype,  # type: ignore[arg-type]  # checked when the model loads
            threads=threads,
            fps=fps,
            max_streams=max_streams,
            token=token,
            sampler=sampler,
        )
        if not (checkpoint / "config.json").is_file():
            raise ConfigError("no checkpoint here (config.json is missing)", path=checkpoint)
        load_recipe(checkpoint, sampler)  # a bad recipe is one line now, not a failed start
    except SigngenError as error:
        fail(error)
        return
    if not _loopback(host) and token is None:
        console.print(
            f"[yellow]warning:[/] listening on {host} without a token: anyone who can reach "
            "this port can use the model (set --token)",
            highlight=False,
        )
    console.print(f"signgen live: http://{host}:{port}/  (Ctrl-C stops)", highlight=False)
    uvicorn.run(
        create_app(config), host=host, port=port, ws_max_size=WS_MAX_BYTES, log_level="warning"
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
