"""Autoencoder training and the `signgen train` CLI on the tiny model (real synthetic data)."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from signgen.checkpoint import RECIPE_FILE, load_checkpoint, read_train_info
from signgen.cli.app import app
from signgen.model import RPFM, TINY
from signgen.render.recipe import load_recipe
from signgen.train.autoencoder import autoencoder_loss, crop_origins
from signgen.train.config import AutoencoderTrainConfig, FlowTrainConfig, build_config
from signgen.train.data import fixed_batch


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_a_few_steps_lower_the_loss_on_a_fixed_batch() -> None:
    torch.manual_seed(0)
    autoencoder = RPFM(TINY).autoencoder
    batch = fixed_batch("train", TINY.image_size, 8, seed=1)
    items = {"target": batch.target, "target_mask": batch.target_mask}
    config = AutoencoderTrainConfig(crop=TINY.image_size)
    optimizer = torch.optim.AdamW(autoencoder.parameters(), lr=3e-3)
    with torch.no_grad():
        before = float(autoencoder_loss(autoencoder, items, config))
    for _ in range(25):
        optimizer.zero_grad()
        autoencoder_loss(autoencoder, items, config).backward()
        optimizer.step()
    with torch.no_grad():
        after = float(autoencoder_loss(autoencoder, items, config))
    assert after < 0.8 * before


def test_crops_are_aligned_and_find_hands() -> None:
    masks = torch.zeros(4, 64, 64, dtype=torch.uint8)
    masks[:, 50:54, 40:44] = 6
    torch.manual_seed(0)
    origins = crop_origins(masks, 16, hand_fraction=1.0)
    assert (origins % 4 == 0).all() and (origins >= 0).all() and (origins <= 48).all()
    for y, x in origins.tolist():
        assert (masks[0, y : y + 16, x : x + 16] == 6).any()


def _run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


COMMON = {"eval_pairs": 2, "eval_every": 1000, "batch_size": 4, "threads": 1}


def _recipe(folder: Path, **values: object) -> list[str]:
    """``--config FILE``: a training recipe of the small COMMON values and ``values``."""
    path = folder / f"recipe-{len(list(folder.glob('recipe-*.json')))}.json"
    path.write_text(json.dumps({**COMMON, **values}))
    return ["--config", str(path)]


def test_cli_trains_resumes_and_hands_over_to_the_flow(tmp_path: Path) -> None:
    small = _recipe(tmp_path)
    ae, flow = tmp_path / "ae", tmp_path / "flow"
    _run("train", "autoencoder", "--tiny", "-o", str(ae), "--steps", "3", *small)
    assert read_train_info(ae)["steps"] == 3
    _run("train", "autoencoder", "--tiny", "-o", str(ae), "--steps", "5", "--resume", *small)
    info = read_train_info(ae)
    assert info["steps"] == 5 and info["stage"] == "autoencoder"
    assert set(info["metrics"]) >= {"psnr", "hand_ssim", "limb_psnr"}
    trained, config = load_checkpoint(ae)
    assert config == TINY
    assert not torch.equal(trained.autoencoder.scale, torch.ones_like(trained.autoencoder.scale))

    _run("train", "flow", "-a", str(ae), "-o", str(flow), "--steps", "2",
         *_recipe(tmp_path, lost_hands=0.5))  # fmt: skip
    model, _ = load_checkpoint(flow)
    info = json.loads((flow / "train.json").read_text())
    assert info["stage"] == "flow" and info["steps"] == 2 and "warm_ssim" in info["metrics"]
    assert info["config"]["lost_hands"] == 0.5
    # The flow run saves the sampling recipe it trained for beside its weights.
    assert not (ae / RECIPE_FILE).exists() and (flow / RECIPE_FILE).is_file()
    recipe = load_recipe(flow)
    assert (recipe.warm_start, recipe.warm_steps, recipe.warp, recipe.soften) == (
        "trained", 1, info["config"]["warp"], info["config"]["soften"]
    )  # fmt: skip
    for name, value in trained.autoencoder.state_dict().items():
        assert torch.equal(model.autoencoder.state_dict()[name], value), name


def test_flow_fine_tunes_from_a_checkpoint_on_the_same_latent_space(tmp_path: Path) -> None:
    small = _recipe(tmp_path)
    ae, flow, tune, other = (tmp_path / n for n in ("ae", "flow", "tune", "other"))
    _run("train", "autoencoder", "--tiny", "-o", str(ae), "--steps", "2", *small)
    _run("train", "flow", "-a", str(ae), "-o", str(flow), "--steps", "2", *small)
    # No steps: the run starts from (and saves) exactly the weights of --init, not a fresh seed.
    _run("train", "flow", "-a", str(ae), "--init", str(flow), "-o", str(tune), "--steps", "0",
         "--seed", "7", *small)  # fmt: skip
    start, _ = load_checkpoint(flow)
    tuned, _ = load_checkpoint(tune)
    for name, value in start.state_dict().items():
        assert torch.equal(tuned.state_dict()[name], value), name
    history = read_train_info(tune)["init"]
    assert history["path"] == str(flow) and history["steps"] == 2 and "config" in history
    _run("train", "flow", "-a", str(ae), "--init", str(flow), "-o", str(tune), "--steps", "2",
         *small)  # fmt: skip
    moved, _ = load_checkpoint(tune)
    before = start.velocity_net.state_dict()
    after = moved.velocity_net.state_dict()
    changed = [k for k, v in after.items() if not torch.equal(v, before[k])]
    assert len(changed) > len(before) // 2
    # --resume wins over --init: the run goes on from its own weights (no steps left; another
    # seed would give other weights from --init) and keeps its history.
    _run("train", "flow", "-a", str(ae), "--init", str(flow), "-o", str(tune), "--resume",
         "--steps", "2", "--seed", "9", *small)  # fmt: skip
    resumed, _ = load_checkpoint(tune)
    for name, value in moved.state_dict().items():
        assert torch.equal(resumed.state_dict()[name], value), name
    assert read_train_info(tune)["init"]["path"] == str(flow)
    # A fine-tune of an averaged checkpoint keeps its members' history.
    soup, again = tmp_path / "soup", tmp_path / "again"
    _run("train", "average", str(flow), str(tune), "-o", str(soup))
    # -a soup: the soup stores its autoencoder in bf16, as a shipped checkpoint does
    _run("train", "flow", "-a", str(soup), "--init", str(soup), "-o", str(again), "--steps",
         "0", *small)  # fmt: skip
    members = read_train_info(again)["init"]["average"]
    assert [(m["path"], m["steps"]) for m in members] == [(str(flow), 2), (str(tune), 2)]

    result = CliRunner().invoke(app, ["train", "flow", "-a", str(ae), "--init", str(flow), "-o",
                                      str(tmp_path / "x"),
                                      *_recipe(tmp_path, block_channels=[8, 16])])  # fmt: skip
    assert result.exit_code == 1 and "differs from the UNet widths" in result.output
    _run("train", "autoencoder", "--tiny", "-o", str(other), "--steps", "2", "--seed", "5", *small)
    result = CliRunner().invoke(app, ["train", "flow", "-a", str(other), "--init", str(flow),
                                      "-o", str(tmp_path / "y")])  # fmt: skip
    assert result.exit_code == 1 and "trained on another autoencoder" in result.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_the_printed_recipe_is_the_defaults_the_options_show(tmp_path: Path) -> None:
    printed = CliRunner().invoke(app, ["train", "recipe", "flow"])
    assert printed.exit_code == 0, printed.output
    recipe = tmp_path / "flow.json"
    recipe.write_text(printed.stdout)
    assert build_config(FlowTrainConfig, recipe, {}) == FlowTrainConfig()
    assert "out" not in json.loads(printed.stdout)
    shown = CliRunner().invoke(app, ["train", "flow", "--help"], terminal_width=200).output
    assert f"[default: {FlowTrainConfig().max_minutes}]" in shown


def test_options_given_win_over_the_recipe_file_and_defaults_do_not(tmp_path: Path) -> None:
    recipe = tmp_path / "recipe.json"
    recipe.write_text('{"seed": 2.5}')
    base = ["train", "flow", "-a", str(tmp_path / "none"), "-o", str(tmp_path / "x"), "-c"]
    left = CliRunner().invoke(app, [*base, str(recipe)])  # --seed left at its default
    assert left.exit_code == 1 and "seed" in left.output
    given = CliRunner().invoke(app, [*base, str(recipe), "--seed", "3"])
    assert given.exit_code == 1 and "no config.json" in given.output


def test_cli_rejects_bad_options(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"wings": 2}')
    result = CliRunner().invoke(app, ["train", "autoencoder", "-o", str(tmp_path), "-c", str(bad)])
    assert result.exit_code == 1 and "unknown training options: wings" in result.output
    result = CliRunner().invoke(app, ["train", "flow", "-a", str(tmp_path / "none"), "-o", "x"])
    assert result.exit_code == 1 and "no config.json" in result.output


def test_decoder_only_fine_tune_keeps_the_latent_space_and_ships_with_export(
    tmp_path: Path,
) -> None:
    small = _recipe(tmp_path)
    ae, decoder, flow, shipped = (tmp_path / n for n in ("ae", "dec", "flow", "ship"))
    _run("train", "autoencoder", "--tiny", "-o", str(ae), "--steps", "3", *small)
    _run("train", "flow", "-a", str(ae), "-o", str(flow), "--steps", "1", *small)
    _run("train", "autoencoder", "--init", str(ae), "--decoder-only", "-o", str(decoder),
         "--steps", "3", *_recipe(tmp_path, lr=1e-2))  # fmt: skip
    base, _ = load_checkpoint(ae)
    tuned, _ = load_checkpoint(decoder)
    assert read_train_info(decoder)["init"] == str(ae)
    for name, value in base.autoencoder.encoder.state_dict().items():
        assert torch.equal(tuned.autoencoder.encoder.state_dict()[name], value), name
    assert torch.equal(tuned.autoencoder.shift, base.autoencoder.shift)
    assert torch.equal(tuned.autoencoder.scale, base.autoencoder.scale)
    changed = [
        name
        for name, value in base.autoencoder.decoder.state_dict().items()
        if not torch.equal(tuned.autoencoder.decoder.state_dict()[name], value)
    ]
    assert len(changed) == len(base.autoencoder.decoder.state_dict())

    _run("train", "export", str(flow), "-o", str(shipped), "--decoder", str(decoder))
    model, _ = load_checkpoint(shipped)
    trained_flow, _ = load_checkpoint(flow)
    bf16 = {
        k: v.to(torch.bfloat16).float() for k, v in tuned.autoencoder.decoder.state_dict().items()
    }
    for name, value in model.autoencoder.decoder.state_dict().items():
        assert torch.equal(value, bf16[name]), name
    flow_weights = {
        k: v.to(torch.bfloat16).float() for k, v in trained_flow.velocity_net.state_dict().items()
    }
    for name, value in model.velocity_net.state_dict().items():
        assert torch.equal(value, flow_weights[name]), name
    assert read_train_info(shipped)["decoder"]["steps"] == 3

    other = tmp_path / "other"  # an autoencoder trained on its own: a different latent space
    _run("train", "autoencoder", "--tiny", "-o", str(other), "--steps", "2", "--seed", "5", *small)
    result = CliRunner().invoke(app, ["train", "export", str(flow), "-o", str(tmp_path / "x"),
                                      "--decoder", str(other)])  # fmt: skip
    assert result.exit_code == 1 and "different encoder" in result.output
    assert not (tmp_path / "x").exists()
    result = CliRunner().invoke(app, ["train", "autoencoder", "--tiny", "--decoder-only", "-o",
                                      str(tmp_path / "y")])  # fmt: skip
    assert result.exit_code == 1 and "decoder_only needs init" in result.output
