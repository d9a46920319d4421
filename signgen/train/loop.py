"""The training loop both stages share: AdamW, EMA, clipping, schedule, DDP, resume, saving."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import torch
import torch.distributed as dist
from torch import Tensor, nn
from torch.nn.parallel import DistributedDataParallel

from signgen.checkpoint import load_state, load_tensors, read_train_info, save_checkpoint
from signgen.errors import CheckpointError
from signgen.model import RPFM
from signgen.train.config import TrainConfig, config_dict
from signgen.train.ema import EMA
from signgen.train.progress import TrainProgress

TRAINER_FILE = "trainer.safetensors"  # raw weights + optimizer state, for resuming only

B = TypeVar("B")
StepFn = Callable[[nn.Module, B, int], Tensor]
"""``(trainable module (DDP-wrapped when distributed), batch, step) -> scalar loss``."""
EvalFn = Callable[[RPFM], dict[str, float]]
"""Held-out metrics of the EMA model."""


@dataclass(frozen=True)
class TrainResult:
    """What a run produced: the EMA model, where it was saved, how long, final metrics."""

    model: RPFM
    checkpoint: Path
    steps: int
    wall_s: float
    metrics: dict[str, float] = field(default_factory=dict)


def setup_distributed() -> tuple[int, int]:
    """(rank, world size); joins the torchrun process group (gloo) when there is one."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1 and not dist.is_initialized():
        dist.init_process_group("gloo")
    return (dist.get_rank(), world) if world > 1 else (0, 1)


def lr_factor(config: TrainConfig, step: int, elapsed_s: float) -> float:
    """Linear warm-up, then constant, then a linear decay over the last part of the budget
    (steps or minutes, whichever runs out first), so a time-limited run still anneals."""
    warm = min(1.0, (step + 1) / max(1, config.warmup_steps))
    progress = max(step / config.steps, elapsed_s / (60.0 * config.max_minutes))
    tail = config.decay_fraction
    decay = 1.0 if progress < 1.0 - tail else max(0.05, (1.0 - progress) / max(tail, 1e-9))
    return warm * decay


def _optimizer_tensors(optimizer: torch.optim.Optimizer) -> dict[str, Tensor]:
    out = {}
    for index, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            out[f"opt.{index}.{key}"] = torch.as_tensor(value)
    return out


def _restore_optimizer(optimizer: torch.optim.Optimizer, tensors: dict[str, Tensor]) -> None:
    state: dict[int, dict[str, Tensor]] = {}
    for name, value in tensors.items():
        if name.startswith("opt."):
            _, index, key = name.split(".", 2)
            state.setdefault(int(index), {})[key] = value
    current = optimizer.state_dict()
    optimizer.load_state_dict({"state": state, "param_groups": current["param_groups"]})


@dataclass
class Run:
    """The mutable state of one training run."""

    config: TrainConfig
    model: RPFM
    trainable: nn.Module
    optimizer: torch.optim.Optimizer
    ema: EMA
    rank: int
    step: int = 0
    previous_wall_s: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    recipe: dict[str, Any] | None = None  # sampler.json fields saved with the weights

    def save(
        self, prepare: Callable[[RPFM], None], metrics: dict[str, float], wall_s: float
    ) -> None:
        if self.rank != 0:
            return
        prepare(self.ema.model)
        raw = {f"model.{k}": v for k, v in self.model.state_dict().items()}
        info = {
            **self.info,
            "config": config_dict(self.config),
            "steps": self.step,
            "wall_s": round(wall_s, 1),
            "metrics": metrics,
        }
        save_checkpoint(
            self.config.out,
            self.ema.model,
            train_info=info,
            extra_files={TRAINER_FILE: {**raw, **_optimizer_tensors(self.optimizer)}},
            recipe=self.recipe,
        )

    def resume(self) -> None:
        """Continue from ``config.out`` (EMA, raw weights, optimizer, step, wall time)."""
        folder = self.config.out
        info = read_train_info(folder)
        if not info:
            raise CheckpointError("nothing to resume (no train.json)", path=folder)
        ema_tensors = load_tensors(folder / "model.safetensors")
        load_state(self.ema.model, ema_tensors, folder)
        trainer = load_tensors(folder / TRAINER_FILE)
        raw = {k.removeprefix("model."): v for k, v in trainer.items() if k.startswith("model.")}
        load_state(self.model, raw, folder / TRAINER_FILE)
        _restore_optimizer(self.optimizer, trainer)
        self.step = int(info.get("steps", 0))
        self.previous_wall_s = float(info.get("wall_s", 0.0))


def make_run(config: TrainConfig, model: RPFM, trainable: nn.Module, info: dict[str, Any]) -> Run:
    """Optimizer over ``trainable``'s parameters, the EMA of ``model``, optional resume."""
    rank, world = setup_distributed()
    if config.bf16:  # the autoencoder's bf16 convolutions are ~10x faster in NHWC (measured);
        # the UNet is not (its GroupNorms are slower in NHWC): it stays NCHW. Before DDP.
        model.autoencoder.to(memory_format=torch.channels_last)  # type: ignore[call-overload]
    params = [p for p in trainable.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
    run = Run(config, model, trainable, optimizer, EMA(model, config.ema_decay), rank, info=info)
    if config.resume:
        run.resume()
    if world > 1:
        run.trainable = DistributedDataParallel(trainable)
    return run


def _should_stop(run: Run, elapsed_s: float) -> bool:
    stop = run.step >= run.config.steps or elapsed_s >= 60.0 * run.config.max_minutes
    if dist.is_initialized():  # every rank must stop at the same step
        flag = torch.tensor([float(stop)])
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        stop = bool(flag.item())
    return stop


def train_loop(
    run: Run,
    title: str,
    data: Iterator[B],
    step_fn: StepFn[B],
    evaluate: EvalFn,
    prepare: Callable[[RPFM], None],
) -> TrainResult:
    """Run until the step or time budget is spent; evaluate and save on schedule and at the end.

    prepare: called on the EMA model before each save (e.g. to refit latent statistics).
    """
    config = run.config
    torch.set_num_threads(config.threads)
    start = time.perf_counter()
    last_save = start
    metrics: dict[str, float] = {}
    autocast = (
        torch.autocast("cpu", dtype=torch.bfloat16) if config.bf16 else contextlib.nullcontext()
    )
    with TrainProgress(title, config.steps, run.step, enabled=run.rank == 0) as progress:
        while not _should_stop(run, run.previous_wall_s + time.perf_counter() - start):
            elapsed = run.previous_wall_s + time.perf_counter() - start
            lr = config.lr * lr_factor(config, run.step, elapsed)
            for group in run.optimizer.param_groups:
                group["lr"] = lr
            batch = next(data)
            with autocast:
                loss = step_fn(run.trainable, batch, run.step)
            run.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            params = [p for g in run.optimizer.param_groups for p in g["params"]]
            torch.nn.utils.clip_grad_norm_(params, config.grad_clip)
            run.optimizer.step()
            run.ema.update(run.model, run.step)
            run.step += 1
            if run.step % config.log_every == 0:
                progress.update(run.step, float(loss.detach()), lr, elapsed)
            if run.rank == 0 and run.step % config.eval_every == 0:
                metrics = evaluate(run.ema.model)
                progress.note(f"eval step {run.step}: {_format(metrics)}")
            if time.perf_counter() - last_save >= config.save_every_s:
                run.save(prepare, metrics, run.previous_wall_s + time.perf_counter() - start)
                last_save = time.perf_counter()
                progress.note(f"saved {config.out} at step {run.step}")
        wall_s = run.previous_wall_s + time.perf_counter() - start
        if run.rank == 0:
            metrics = evaluate(run.ema.model)
            progress.note(f"final step {run.step}: {_format(metrics)}")
        run.save(prepare, metrics, wall_s)
    return TrainResult(run.ema.model, config.out, run.step, wall_s, metrics)


def _format(metrics: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.4f}" for k, v in metrics.items())
