"""Configs and checkpoints are validated strictly: nothing is coerced, nothing non-finite loads,
and every problem is one error naming the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from signgen.checkpoint import CONFIG_FILE, WEIGHTS_FILE, load_checkpoint
from signgen.errors import CheckpointError, ConfigError
from signgen.render import Renderer
from signgen.train.config import FlowTrainConfig, build_config


def _config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "train.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('{"warp": "false"}', "warp"),
        ('{"steps": 2.9}', "steps"),
        ('{"steps": "10"}', "steps"),
        ('{"lr": NaN}', "lr"),
        ('{"max_minutes": Infinity}', "max_minutes"),
        ('{"bf16": 1}', "bf16"),
        ('{"block_channels": [64, "128"]}', "block_channels"),
        ('{"out": 7}', "out"),
    ],
)
def test_training_config_values_are_not_coerced(tmp_path: Path, text: str, field: str) -> None:
    path = _config_file(tmp_path, text)
    with pytest.raises(ConfigError, match=field) as error:
        build_config(FlowTrainConfig, path, {})
    assert "train.json" in str(error.value)


def test_training_config_keeps_well_typed_values(tmp_path: Path) -> None:
    text = '{"warp": false, "steps": 3, "lr": 1, "block_channels": [8, 16], "out": "runs/x"}'
    config = build_config(FlowTrainConfig, _config_file(tmp_path, text), {"seed": 4})
    assert (config.warp, config.steps, config.lr, config.seed) == (False, 3, 1.0, 4)
    assert config.block_channels == (8, 16) and config.out == Path("runs/x")


def test_binary_training_config_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "train.json"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ConfigError, match="not a JSON file"):
        build_config(FlowTrainConfig, path, {})


def _copy(tiny_checkpoint: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "ckpt"
    shutil.copytree(tiny_checkpoint, folder)
    return folder


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("autoencoder", "latent_channels"), "8"),
        (("autoencoder", "latent_channels"), 8.0),
        (("autoencoder", "latent_channels"), 0),
        (("autoencoder", "encoder_channels"), "8,16"),
        (("autoencoder", "encoder_channels"), []),
        (("velocity", "norm_groups"), True),
        (("velocity", "norm_groups"), 3),  # a size that does not divide the channels
        (("image_size",), "32"),
        (("image_size",), 10**9),
        (("autoencoder",), [1, 2]),
        (("velocity",), None),
    ],
)
def test_checkpoint_config_with_wrong_types_is_refused(
    tiny_checkpoint: Path, tmp_path: Path, where: tuple[str, ...], value: object
) -> None:
    folder = _copy(tiny_checkpoint, tmp_path)
    document = json.loads((folder / CONFIG_FILE).read_text())
    node = document["model"]
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    (folder / CONFIG_FILE).write_text(json.dumps(document))
    with pytest.raises(CheckpointError, match="invalid model config") as error:
        load_checkpoint(folder)
    assert str(folder) in str(error.value)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_checkpoint_with_non_finite_weights_is_refused(
    tiny_checkpoint: Path, tmp_path: Path, bad: float
) -> None:
    folder = _copy(tiny_checkpoint, tmp_path)
    tensors = load_file(str(folder / WEIGHTS_FILE))
    name = sorted(k for k, v in tensors.items() if v.is_floating_point())[-1]
    tensors[name] = tensors[name].clone()
    tensors[name].view(-1)[0] = bad
    save_file(tensors, str(folder / WEIGHTS_FILE))
    with pytest.raises(CheckpointError, match="NaN or infinity") as error:
        Renderer.from_checkpoint(folder, device="cpu")
    assert name in str(error.value) and WEIGHTS_FILE in str(error.value)
    assert torch.isfinite(load_file(str(tiny_checkpoint / WEIGHTS_FILE))[name]).all()
