"""Checkpoint folders: bit-identical round trip, and signgen errors for broken folders."""

import json
from pathlib import Path

import pytest
import torch

from signgen.checkpoint import (
    CONFIG_FILE,
    RECIPE_FILE,
    RECIPE_FORMAT,
    WEIGHTS_FILE,
    load_checkpoint,
    save_checkpoint,
)
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
    recipe = {"format": RECIPE_FORMAT, "steps": 4, "warp": False}
    (folder / RECIPE_FILE).write_text(json.dumps(recipe))
    out = export_checkpoint(folder, tmp_path / "ship", extra_info={"eval": {"ssim": 0.9}})
    assert sorted(p.name for p in out.iterdir()) == [
        CONFIG_FILE, WEIGHTS_FILE, RECIPE_FILE, "train.json"
    ]  # fmt: skip
    assert json.loads((out / RECIPE_FILE).read_text()) == recipe
    assert json.loads((out / "train.json").read_text()) == {"steps": 3, "eval": {"ssim": 0.9}}
    assert (out / WEIGHTS_FILE).stat().st_size < 0.6 * (folder / WEIGHTS_FILE).stat().st_size
    loaded, _ = load_checkpoint(out)
    torch.testing.assert_close(_outputs(loaded), _outputs(model), atol=0.1, rtol=0.05)


def _fine_tune_of(model: RPFM, folder: Path, seed: int, steps: int) -> Path:
    """A checkpoint sharing ``model``'s autoencoder with other flow weights (as `--init` gives)."""
    torch.manual_seed(seed)
    other = RPFM(TINY).eval()
    other.autoencoder.load_state_dict(model.autoencoder.state_dict())
    return save_checkpoint(folder, other, train_info={"steps": steps, "data_seed": seed})


def test_average_is_the_weighted_mean_of_the_flow_and_records_its_members(
    saved: tuple[RPFM, Path], tmp_path: Path
) -> None:
    from signgen.checkpoint import average_checkpoints, read_train_info

    model, folder = saved
    tune = _fine_tune_of(model, tmp_path / "tune", seed=7, steps=5)
    out = average_checkpoints([folder, tune], tmp_path / "soup", weights=[3, 1],
                              dtype=torch.float32)  # fmt: skip
    soup, _ = load_checkpoint(out)
    ours, theirs = model.state_dict(), load_checkpoint(tune)[0].state_dict()
    moved = set()
    for name, value in soup.state_dict().items():
        expected = torch.zeros_like(value) + 0.75 * ours[name] + 0.25 * theirs[name]
        assert torch.equal(value, expected), name
        if not torch.equal(value, ours[name]):
            moved.add(name.split(".")[0])
    assert moved == {"velocity_net", "pose_encoder", "reference_encoder"}  # not the autoencoder
    members = read_train_info(out)["average"]
    assert [(m["path"], m["weight"], m["steps"]) for m in members] == [
        (str(folder), 0.75, 3), (str(tune), 0.25, 5)]  # fmt: skip
    assert members[1]["data_seed"] == 7

    same = average_checkpoints([folder, folder], tmp_path / "same", dtype=torch.float32)
    assert torch.equal(_outputs(load_checkpoint(same)[0]), _outputs(model))


def test_average_refuses_checkpoints_of_other_models_and_bad_weights(
    saved: tuple[RPFM, Path], tmp_path: Path
) -> None:
    from dataclasses import replace

    from signgen.checkpoint import average_checkpoints
    from signgen.errors import ConfigError

    model, folder = saved
    torch.manual_seed(3)
    stranger = save_checkpoint(tmp_path / "stranger", RPFM(TINY))  # its own autoencoder
    wider = replace(TINY, velocity=replace(TINY.velocity, layers_per_block=2))
    other_config = save_checkpoint(tmp_path / "wider", RPFM(wider))
    tune = _fine_tune_of(model, tmp_path / "tune", seed=7, steps=5)
    out = tmp_path / "soup"
    with pytest.raises(CheckpointError, match="autoencoder.*must share one autoencoder"):
        average_checkpoints([folder, stranger], out)
    with pytest.raises(CheckpointError, match="model config differs"):
        average_checkpoints([folder, other_config], out)
    with pytest.raises(ConfigError, match="at least two"):
        average_checkpoints([folder], out)
    for weights in ([1.0], [1.0, 0.0], [1.0, -2.0]):
        with pytest.raises(ConfigError, match="one positive weight per checkpoint"):
            average_checkpoints([folder, tune], out, weights=weights)
    with pytest.raises(CheckpointError, match="no config.json"):
        average_checkpoints([folder, tmp_path / "nowhere"], out)
    assert not out.exists()


def test_train_average_cli_writes_the_soup_and_fails_in_one_line(
    saved: tuple[RPFM, Path], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from signgen.cli.app import app

    model, folder = saved
    tune = _fine_tune_of(model, tmp_path / "tune", seed=7, steps=5)
    out = tmp_path / "soup"
    result = CliRunner().invoke(app, ["train", "average", str(folder), str(tune), "-o", str(out),
                                      "--weights", "1,3"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "the average of 2 checkpoints" in " ".join(result.output.split())
    assert [m["weight"] for m in json.loads((out / "train.json").read_text())["average"]] == [
        0.25, 0.75]  # fmt: skip
    for weights, message in (("1,x", "not a list of numbers"), ("1", "one positive weight")):
        result = CliRunner().invoke(app, ["train", "average", str(folder), str(tune), "-o",
                                          str(tmp_path / "bad"), "--weights", weights])  # fmt: skip
        assert result.exit_code != 0 and message in result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "bad").exists()
