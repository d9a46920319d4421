"""Checkpoint folders: bit-identical round trip, and signgen errors for broken folders."""

import json
from pathlib import Path

import pytest
import torch

from signgen.checkpoint import CONFIG_FILE, WEIGHTS_FILE, load_checkpoint, save_checkpoint
from signgen.cond import NUM_CHANNELS
from signgen.errors import CheckpointError
from signgen.model import RPFM, TINY


def _outputs(model: RPFM) -> torch.Tensor:
    gen = torch.Generator().manual_seed(1)
    size = TINY.image_size
    image = torch.rand(2, 3, size, size, generator=gen) * 2 - 1
    raster = torch.rand(2, NUM_CHANNELS, size, size, generator=gen)
    with torch.no_grad():
        reference = model.encode_reference(image, raster)
        x = model.autoencoder.encode(image)
        v = model.velocity(x, torch.tensor([0.2, 0.7]), reference, model.encode_pose(raster),
                           torch.tensor([0.0, 1.0]))  # fmt: skip
        return torch.cat([v.flatten(), model.autoencoder.decode(x).flatten()])


@pytest.fixture
def saved(tmp_path: Path) -> tuple[RPFM, Path]:
    torch.manual_seed(0)
    model = RPFM(TINY).eval()
    folder = save_checkpoint(tmp_path / "ckpt", model, train_info={"steps": 3})
    return model, folder


def test_round_trip_is_bit_identical(saved: tuple[RPFM, Path]) -> None:
    model, folder = saved
    loaded, config = load_checkpoint(folder)
    assert config == TINY
    assert torch.equal(_outputs(model), _outputs(loaded))
    assert json.loads((folder / "train.json").read_text()) == {"steps": 3}


def test_saving_again_replaces_the_folder(saved: tuple[RPFM, Path]) -> None:
    model, folder = saved
    save_checkpoint(folder, model, dtype=torch.bfloat16)
    loaded, _ = load_checkpoint(folder)
    assert not (folder / "train.json").exists()
    assert loaded.velocity_net.unet.conv_in.weight.dtype == torch.float32
    assert [p.name for p in folder.parent.iterdir()] == ["ckpt"]


def test_missing_folder_and_weights(tmp_path: Path, saved: tuple[RPFM, Path]) -> None:
    with pytest.raises(CheckpointError, match="no config.json"):
        load_checkpoint(tmp_path / "nowhere")
    _, folder = saved
    (folder / WEIGHTS_FILE).unlink()
    with pytest.raises(CheckpointError, match="missing weights"):
        load_checkpoint(folder)


def test_corrupt_safetensors(saved: tuple[RPFM, Path]) -> None:
    _, folder = saved
    path = folder / WEIGHTS_FILE
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(CheckpointError, match="corrupt weights"):
        load_checkpoint(folder)


def test_config_that_does_not_match_the_weights(saved: tuple[RPFM, Path]) -> None:
    _, folder = saved
    data = json.loads((folder / CONFIG_FILE).read_text())
    data["model"]["pose_encoder"]["out_channels"] = 6
    (folder / CONFIG_FILE).write_text(json.dumps(data))
    with pytest.raises(CheckpointError, match="do not match"):
        load_checkpoint(folder)


def test_invalid_config(saved: tuple[RPFM, Path]) -> None:
    _, folder = saved
    data = json.loads((folder / CONFIG_FILE).read_text())
    data["model"]["velocity"]["wings"] = 2
    (folder / CONFIG_FILE).write_text(json.dumps(data))
    with pytest.raises(CheckpointError, match="unknown VelocityConfig"):
        load_checkpoint(folder)
    (folder / CONFIG_FILE).write_text("{not json")
    with pytest.raises(CheckpointError, match="unreadable config"):
        load_checkpoint(folder)


def test_export_stores_bf16_and_merges_info(saved: tuple[RPFM, Path], tmp_path: Path) -> None:
    from signgen.checkpoint import export_checkpoint
    from signgen.train.loop import TRAINER_FILE

    model, folder = saved
    (folder / TRAINER_FILE).write_bytes(b"optimizer state")
    out = export_checkpoint(folder, tmp_path / "ship", extra_info={"eval": {"ssim": 0.9}})
    assert sorted(p.name for p in out.iterdir()) == [CONFIG_FILE, WEIGHTS_FILE, "train.json"]
    assert json.loads((out / "train.json").read_text()) == {"steps": 3, "eval": {"ssim": 0.9}}
    assert (out / WEIGHTS_FILE).stat().st_size < 0.6 * (folder / WEIGHTS_FILE).stat().st_size
    loaded, _ = load_checkpoint(out)
    torch.testing.assert_close(_outputs(loaded), _outputs(model), atol=0.1, rtol=0.05)
