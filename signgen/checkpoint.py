"""Checkpoint folders: ``config.json`` + ``model.safetensors`` (+ ``train.json``), no pickle.

Layout of a checkpoint folder:

- ``config.json``: ``{"format": "signgen.rpfm/1", "model": RPFMConfig.to_dict()}``;
- ``model.safetensors``: the model's state dict (EMA weights when trained), any float dtype;
  `load_checkpoint` casts to the requested dtype;
- ``train.json`` (optional): how it was trained (data seed, steps, wall time, final metrics);
- ``sampler.json`` (optional): how to sample it (`signgen.render.recipe`). Flow training
  writes the values it trained for (warm start, warp, blur, stabilisation, clamp); a field
  left out, or a folder without the file, takes the defaults of `RenderOptions`;
- training-resume files written by `signgen.train` (``trainer.safetensors``, ...), ignored here.

Saving writes into a temporary sibling folder and renames it into place, so a reader never
sees a half-written checkpoint; it replaces an existing checkpoint, never any other folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import Tensor

from signgen.errors import CheckpointError, ConfigError
from signgen.io.atomic import check_folder_target, write_folder_atomic
from signgen.model import RPFM, RPFMConfig

FORMAT = "signgen.rpfm/1"
CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.safetensors"
TRAIN_FILE = "train.json"
RECIPE_FILE = "sampler.json"
RECIPE_FORMAT = "signgen.sampler/1"
# What of a checkpoint's train.json a run made from it (`--init`, `train average`) carries on
HISTORY_KEYS = ("stage", "data_seed", "steps", "wall_s", "config", "decoder", "init", "average")


def state_tensors(model: RPFM, dtype: torch.dtype | None = None) -> dict[str, Tensor]:
    """The model's state dict as contiguous CPU tensors (floats cast to ``dtype`` if given)."""
    out: dict[str, Tensor] = {}
    for name, value in model.state_dict().items():
        value = value.detach().to("cpu")
        if dtype is not None and value.is_floating_point():
            value = value.to(dtype)
        out[name] = value.contiguous()
    return out


def save_checkpoint(
    directory: str | Path,
    model: RPFM,
    *,
    train_info: dict[str, Any] | None = None,
    dtype: torch.dtype | None = None,
    extra_files: dict[str, dict[str, Tensor]] | None = None,
    recipe: dict[str, Any] | None = None,
) -> Path:
    """Write ``model`` (its config and weights) to ``directory`` atomically; replaces it.

    dtype: store floating weights in this dtype (bf16 halves the size; the loader upcasts).
    extra_files: more safetensors files (name -> tensors), e.g. optimizer state for resuming.
    recipe: the sampling recipe's fields, written as ``sampler.json`` (with its format).
    """
    target = Path(directory)

    def fill(staging: Path) -> None:
        config = {"format": FORMAT, "model": model.config.to_dict()}
        (staging / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
        save_file(state_tensors(model, dtype), str(staging / WEIGHTS_FILE))
        for name, tensors in (extra_files or {}).items():
            save_file(
                {k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(staging / name)
            )
        if train_info is not None:
            (staging / TRAIN_FILE).write_text(json.dumps(train_info, indent=2) + "\n")
        if recipe is not None:
            document = {"format": RECIPE_FORMAT, **recipe}
            (staging / RECIPE_FILE).write_text(json.dumps(document, indent=2) + "\n")

    write_folder_atomic(
        target, fill, is_ours=is_checkpoint_folder, kind="checkpoint", error=CheckpointError
    )
    return target


def is_checkpoint_folder(directory: str | Path) -> bool:
    """Whether ``directory`` is a signgen checkpoint (its config.json names the format)."""
    try:
        data = json.loads((Path(directory) / CONFIG_FILE).read_text())
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("format") == FORMAT


def check_checkpoint_target(directory: str | Path) -> None:
    """Refuse a checkpoint output that is a file, or a folder with something other than a
    checkpoint in it: saving replaces the whole folder."""
    check_folder_target(directory, is_checkpoint_folder, "checkpoint", CheckpointError)


def load_config(directory: str | Path) -> RPFMConfig:
    """Read and validate ``config.json`` of a checkpoint folder."""
    path = Path(directory) / CONFIG_FILE
    if not path.is_file():
        raise CheckpointError("not a checkpoint folder (no config.json)", path=directory)
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"unreadable config: {error}", path=path) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"not a {FORMAT} config", path=path)
    try:
        return RPFMConfig.from_dict(data["model"])
    except (ConfigError, KeyError, TypeError) as error:
        raise CheckpointError(f"invalid model config: {error}", path=path) from error


def load_tensors(path: str | Path) -> dict[str, Tensor]:
    """Read a safetensors file; missing or corrupt files raise CheckpointError."""
    if not Path(path).is_file():
        raise CheckpointError("missing weights file", path=path)
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"corrupt weights file: {error}", path=path) from error


def load_state(model: RPFM, tensors: dict[str, Tensor], source: str | Path) -> None:
    """Copy ``tensors`` into ``model``; any missing, unexpected or mis-shaped key is an error."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    shapes = [k for k in expected if k in tensors and tensors[k].shape != expected[k].shape]
    if missing or unexpected or shapes:
        detail = "; ".join(
            f"{label}: {', '.join(keys[:3])}{' ...' if len(keys) > 3 else ''}"
            for label, keys in (("missing", missing), ("unexpected", unexpected), ("shape", shapes))
            if keys
        )
        raise CheckpointError(f"weights do not match config.json ({detail})", path=source)
    broken = [k for k, v in tensors.items() if v.is_floating_point() and not v.isfinite().all()]
    if broken:
        more = f" and {len(broken) - 1} more" if len(broken) > 1 else ""
        raise CheckpointError(f"weights hold NaN or infinity ({broken[0]}{more})", path=source)
    model.load_state_dict(tensors)


def load_checkpoint(
    directory: str | Path,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
) -> tuple[RPFM, RPFMConfig]:
    """Rebuild the model of a checkpoint folder, weights cast to ``dtype`` on ``device``.

    The model is returned in eval mode with gradients off.
    """
    config = load_config(directory)
    try:
        model = RPFM(config)
    except (ValueError, TypeError, RuntimeError, ZeroDivisionError) as error:
        # Sizes that each pass but do not fit together (e.g. channels not divisible by groups)
        detail = str(error).splitlines()[0][:120] if str(error) else type(error).__name__
        raise CheckpointError(f"invalid model config: {detail}", path=directory) from None
    source = Path(directory) / WEIGHTS_FILE
    load_state(model, load_tensors(source), source)
    model = model.to(device=device, dtype=dtype).eval()
    model.requires_grad_(False)
    return model, config


def read_train_info(directory: str | Path) -> dict[str, Any]:
    """``train.json`` of a checkpoint folder ({} when absent)."""
    path = Path(directory) / TRAIN_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise CheckpointError(f"unreadable train.json: {error}", path=path) from error
    return data if isinstance(data, dict) else {}


def read_recipe_fields(directory: str | Path) -> dict[str, Any] | None:
    """The fields of ``sampler.json`` of a checkpoint folder, as stored (None when absent);
    `signgen.render.recipe` validates them when it reads them for sampling."""
    path = Path(directory) / RECIPE_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError(f"unreadable {RECIPE_FILE}: {error}", path=path) from error
    if not isinstance(data, dict) or data.get("format", RECIPE_FORMAT) != RECIPE_FORMAT:
        raise CheckpointError(f"not a sampling recipe (format {RECIPE_FORMAT})", path=path)
    return {key: value for key, value in data.items() if key != "format"}


def export_checkpoint(
    source: str | Path,
    target: str | Path,
    *,
    dtype: torch.dtype = torch.bfloat16,
    extra_info: dict[str, Any] | None = None,
    decoder: str | Path | None = None,
) -> Path:
    """Copy a training run's model to a shippable folder: weights only (no optimizer state),
    floats stored as ``dtype``, ``train.json`` kept and merged with ``extra_info``,
    ``sampler.json`` kept.

    decoder: a run of `train autoencoder --decoder-only` on this model's autoencoder; its
    decoder replaces the model's (see `swap_decoder`).
    """
    model, _ = load_checkpoint(source)
    info = {**read_train_info(source), **(extra_info or {})}
    if decoder is not None:
        tuned, _ = load_checkpoint(decoder)
        swap_decoder(model, tuned, decoder)
        decoder_info = read_train_info(decoder)
        info["decoder"] = {
            "run": str(decoder),
            **{k: decoder_info.get(k) for k in ("steps", "wall_s", "metrics", "config")},
        }
    return save_checkpoint(
        target, model, train_info=info, dtype=dtype, recipe=read_recipe_fields(source)
    )


def latent_difference(model: RPFM, other: RPFM) -> str | None:
    """The first thing that makes the latent spaces of two models' autoencoders differ (config,
    an encoder tensor, the latent statistics), or None when they encode alike."""
    mine, theirs = model.autoencoder, other.autoencoder
    if mine.config != theirs.config:
        return "autoencoder config"
    ours, theirs_frozen = (
        {**dict(ae.encoder.state_dict()), "shift": ae.shift, "scale": ae.scale}
        for ae in (mine, theirs)
    )
    changed = [name for name, value in ours.items() if not torch.equal(value, theirs_frozen[name])]
    return changed[0] if changed else None


def swap_decoder(model: RPFM, tuned: RPFM, source: str | Path) -> None:
    """Give ``model`` the decoder of ``tuned``, a fine-tune of the same autoencoder whose
    encoder and latent statistics stayed frozen (so the flow's latent space is unchanged)."""
    if model.autoencoder.config != tuned.autoencoder.config:
        raise CheckpointError("decoder run has a different autoencoder config", path=source)
    changed = latent_difference(model, tuned)
    if changed:
        raise CheckpointError(
            f"decoder run has a different encoder ({changed} differs): "
            "it must be a --decoder-only fine-tune of this autoencoder",
            path=source,
        )
    model.autoencoder.decoder.load_state_dict(tuned.autoencoder.decoder.state_dict())


def average_checkpoints(
    sources: list[Path],
    target: str | Path,
    *,
    weights: list[float] | None = None,
    dtype: torch.dtype = torch.bfloat16,
) -> Path:
    """Write the weighted mean of checkpoints' weights to ``target`` (a "model soup").

    The members must share the model config and the whole autoencoder: they are fine-tunes
    of one model (e.g. runs of `train flow --init` from one checkpoint, and that checkpoint).
    weights: one positive number per member, normalised to sum to 1 (default: equal).
    ``train.json`` records each member's path, weight and training history; ``sampler.json``
    is the first member's.
    """
    if len(sources) < 2:
        raise ConfigError("averaging needs at least two checkpoints")
    shares = [1.0] * len(sources) if weights is None else list(weights)
    if len(shares) != len(sources) or not all(w > 0 for w in shares):
        raise ConfigError(
            f"need one positive weight per checkpoint ({len(sources)}), got {weights}"
        )
    models = [load_checkpoint(source)[0] for source in sources]
    first = models[0]
    for source, model in zip(sources[1:], models[1:], strict=True):
        _check_same_model(first, model, source, sources[0])
    states = [model.state_dict() for model in models]
    total = sum(shares)
    mean: dict[str, Tensor] = {}
    for name, value in states[0].items():
        if not value.is_floating_point():  # integer buffers are equal (checked)
            mean[name] = value
            continue
        acc = torch.zeros_like(value)  # fp32: load_checkpoint upcasts bf16 weights exactly
        for share, state in zip(shares, states, strict=True):
            acc += share / total * state[name]
        mean[name] = acc
    first.load_state_dict(mean)
    members = []
    for source, share in zip(sources, shares, strict=True):
        info = read_train_info(source)
        members.append({"path": str(source), "weight": share / total,
                        **{k: info[k] for k in HISTORY_KEYS if k in info}})  # fmt: skip
    info = {"average": members}
    recipe = read_recipe_fields(sources[0])
    return save_checkpoint(target, first, train_info=info, dtype=dtype, recipe=recipe)


def _check_same_model(model: RPFM, other: RPFM, source: Path, first: Path) -> None:
    """Refuse to average ``other`` (read from ``source``) with ``model`` (from ``first``)."""
    if model.config != other.config:
        raise CheckpointError(f"model config differs from {first}'s", path=source)
    ours, theirs = model.state_dict(), other.state_dict()
    for name, value in ours.items():
        shared = name.startswith("autoencoder.") or not value.is_floating_point()
        if shared and not torch.equal(value, theirs[name]):
            raise CheckpointError(
                f"{name} differs from {first}'s: averaged checkpoints must share one "
                "autoencoder (fine-tunes of one model)",
                path=source,
            )
