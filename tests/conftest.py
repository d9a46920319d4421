"""Shared pytest fixtures (add new fixtures; never change existing ones)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from signgen.checkpoint import save_checkpoint
from signgen.model import RPFM, TINY


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A checkpoint folder of the TINY config (32x32 frames) with seeded random weights."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    return save_checkpoint(tmp_path_factory.mktemp("ckpt") / "tiny", model)


@pytest.fixture(scope="session")
def batch_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of batch inputs: ``ref.png`` (the test signer), ``synth.png`` (a synthetic
    signer), ``short_a|b|c.pose`` (real
    recordings cut to 10 frames), ``long.pose`` (60 frames), and two broken inputs:
    ``bad.png`` (not an image) and ``broken.pose`` (not a pose file)."""
    import shutil

    from signgen.io import read_poses, write_poses
    from signgen.io.image import write_png
    from signgen.synth import Appearance, neutral_pose, render_frame

    folder = tmp_path_factory.mktemp("batch_inputs")
    data = Path(__file__).parent / "data"
    shutil.copy(data / "fake_human_256.png", folder / "ref.png")
    signer = Appearance.from_seed(5)
    rest = neutral_pose(signer, 64)
    write_png(render_frame(signer, rest.xy[0], rest.conf[0], 64).image, folder / "synth.png")
    sources = {
        "short_a": ("fingerspelling_ase_A", 10),
        "short_b": ("sgg_essen", 10),
        "short_c": ("pose_tests_openpose", 10),
        "long": ("segmentation_example", 60),
    }
    for name, (source, frames) in sources.items():
        write_poses(
            read_poses(data / "poses" / f"{source}.pose").frames(0, frames), folder / f"{name}.pose"
        )
    (folder / "bad.png").write_text("not an image\n")
    (folder / "broken.pose").write_bytes(b"\x00" * 64)
    return folder


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """A real `signgen serve` app (the shipped 128 px checkpoint) on a free localhost port;
    yields ``host:port``."""
    from serve_helpers import running_server

    from signgen.serve import ServeConfig

    with running_server(ServeConfig(fps=25.0, max_streams=4)) as address:
        yield address
