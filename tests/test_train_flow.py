"""Flow training on the tiny model: the loss falls on a fixed batch; perturbations behave."""

import dataclasses
from collections.abc import Iterator

import pytest
import torch

from signgen.cond import STATIC_GAIN, pose_flow, pose_raster_batch, soften, warp_latent
from signgen.errors import ConfigError
from signgen.model import RPFM, TINY, clamp_to_reference
from signgen.train.config import FlowTrainConfig, build_config
from signgen.train.data import Batch, fixed_batch
from signgen.train.flow import _chain_rollout, _rollout, flow_loss, perturb
from signgen.train.heldout import flow_metrics


@torch.no_grad()
def encode_batch(model: RPFM, batch: Batch) -> Batch:
    """A batch of images -> the same batch with latents (rasters and mask kept)."""
    encode = model.autoencoder.encode
    return dataclasses.replace(
        batch,
        reference=encode(batch.reference),
        target=encode(batch.target),
        previous=encode(batch.previous),
        chain_start=None if batch.chain_start is None else encode(batch.chain_start),
    )


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Tiny models run fastest (and steadiest on 2 shared cores) on one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_a_few_steps_lower_the_loss_on_a_fixed_batch() -> None:
    torch.manual_seed(0)
    model = RPFM(TINY)
    model.autoencoder.requires_grad_(False)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 8, seed=3))
    config = FlowTrainConfig(rollout_after=0)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=2e-3)

    def loss_at(step: int) -> torch.Tensor:
        torch.manual_seed(123)  # the same noise, times and perturbations every call
        return flow_loss(model, model, batch, step, config)

    with torch.no_grad():
        before = float(loss_at(5))
    for step in range(15):
        optimizer.zero_grad()
        loss_at(step).backward()
        optimizer.step()
    with torch.no_grad():
        after = float(loss_at(5))
    assert after < 0.7 * before


def test_perturb() -> None:
    torch.manual_seed(0)
    latent = torch.randn(6, 4, 8, 8)
    assert torch.equal(perturb(latent, 0.0, 0.0), latent)
    blurred = perturb(latent, 0.0, 1.0)
    assert blurred.shape == latent.shape
    # A [1, 2, 1] blur halves the variance of white noise or more.
    assert blurred.var() < 0.6 * latent.var()
    noisy = perturb(latent, 0.3, 0.0)
    assert 0 < (noisy - latent).abs().max() < 0.3 * 6


@pytest.mark.parametrize(("motion", "source"), [(0.0, "previous"), (1.0, "target")])
def test_rollout_starts_from_the_previous_frame_or_takes_a_motion_step(
    motion: float, source: str
) -> None:
    """With a zero velocity the 1-step rollout returns its start: the previous frame (still
    step) or the target frame (motion step back to the previous pose)."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3))
    assert not torch.equal(batch.target, batch.previous)
    poses: list[torch.Tensor] = []

    def still(x: torch.Tensor, t: torch.Tensor, ref: object, pose: torch.Tensor, mode: object):
        poses.append(pose)
        return torch.zeros_like(x)

    model.velocity = still  # type: ignore[method-assign,assignment]
    config = FlowTrainConfig(rollout_motion=motion, perturb_sigma=0.0, blur_probability=0.0)
    out = _rollout(model, batch, config)
    assert torch.equal(out, getattr(batch, source))
    assert torch.equal(poses[0], model.encode_pose(batch.previous_raster))


@pytest.mark.parametrize(
    ("depth", "motion", "source", "steps"),
    [
        (2, 1.0, "previous", ["target", "previous"]),
        (3, 1.0, "target", ["previous", "target", "previous"]),
        (3, 0.0, "previous", ["previous", "previous", "previous"]),
    ],
)
def test_a_deep_rollout_chains_its_steps_and_ends_on_the_previous_pose(
    depth: int, motion: float, source: str, steps: list[str]
) -> None:
    """A motion chain goes back and forth between the two frames, one real motion step each
    time, and its last step lands on the previous pose; a still chain stays on it."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3))
    poses: list[torch.Tensor] = []
    starts: list[torch.Tensor] = []

    def shift(x: torch.Tensor, t: torch.Tensor, ref: object, pose: torch.Tensor, mode: object):
        poses.append(pose)
        starts.append(x)
        return torch.ones_like(x)  # every step adds 1: the output counts the steps taken

    model.velocity = shift  # type: ignore[method-assign,assignment]
    config = FlowTrainConfig(rollout_motion=motion, perturb_sigma=0.0, blur_probability=0.0)
    out = _rollout(model, batch, config, depth)
    assert torch.equal(starts[0], getattr(batch, source))
    assert torch.allclose(out, getattr(batch, source) + depth)
    encoded = {
        "target": model.encode_pose(batch.target_raster),
        "previous": model.encode_pose(batch.previous_raster),
    }
    assert len(poses) == depth
    for pose, name in zip(poses, steps, strict=True):
        assert torch.equal(pose, encoded[name])


def test_a_chain_rollout_walks_the_recorded_poses_from_the_chain_start() -> None:
    """Each step of a chain rollout starts where the last one ended and is conditioned on the
    next recorded pose, ending on the previous frame's; a zero velocity returns its start."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3, chain=3))
    assert batch.chain_start is not None and batch.chain_poses is not None
    poses: list[torch.Tensor] = []
    starts: list[torch.Tensor] = []

    def still(x: torch.Tensor, t: torch.Tensor, ref: object, pose: torch.Tensor, mode: object):
        poses.append(pose)
        starts.append(x)
        return torch.zeros_like(x)

    model.velocity = still  # type: ignore[method-assign,assignment]
    config = FlowTrainConfig(rollout_chain=3, perturb_sigma=0.0, blur_probability=0.0)
    out = _chain_rollout(model, batch, config)
    assert len(poses) == 3
    assert torch.equal(starts[0], batch.chain_start)
    for step, pose in enumerate(poses, start=1):
        raster = pose_raster_batch(batch.chain_poses[:, step], TINY.image_size)
        assert torch.equal(pose, model.encode_pose(raster))
    assert torch.equal(poses[-1], model.encode_pose(batch.previous_raster))
    assert torch.equal(out, clamp_to_reference(batch.chain_start, batch.reference))


def test_a_chain_rollout_damps_its_steps_where_the_pose_stood_still() -> None:
    """A chain that holds one pose takes STATIC_GAIN of every update, as rendering does; a
    moving chain takes the whole update where the pose moved."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3, chain=2))
    assert batch.chain_start is not None and batch.chain_poses is not None
    reference = batch.reference.clone()
    reference[..., 0, :2] = torch.tensor([-100.0, 100.0])  # a range the steps stay inside
    batch = dataclasses.replace(batch, reference=reference)
    held = dataclasses.replace(batch, chain_poses=batch.chain_poses[:, :1].expand(-1, 3, -1, -1))
    model.velocity = lambda x, *rest: torch.ones_like(x)  # type: ignore[method-assign,assignment]
    config = FlowTrainConfig(rollout_chain=2, perturb_sigma=0.0, blur_probability=0.0)
    expected = batch.chain_start + 2 * STATIC_GAIN
    assert torch.allclose(_chain_rollout(model, held, config), expected)
    moved = _chain_rollout(model, batch, config) - batch.chain_start
    assert float(moved.amin()) == pytest.approx(2 * STATIC_GAIN)  # cells far from the motion
    assert float(moved.amax()) == pytest.approx(2.0)  # cells that moved on both steps


def test_a_chain_rollout_needs_a_batch_with_a_chain() -> None:
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 2, seed=3))
    with pytest.raises(ValueError, match="chain"):
        _chain_rollout(model, batch, FlowTrainConfig(rollout_chain=3))


def test_flow_loss_trains_through_chain_rollouts() -> None:
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3, chain=2))
    config = FlowTrainConfig(
        rollout_chain=2, chain_share=1.0, rollout_after=0, rollout_fraction=0.5, bf16=False
    )
    loss = flow_loss(model, model, batch, step=1, config=config)
    loss.backward()
    assert torch.isfinite(loss) and float(loss.detach()) > 0
    grads = [p.grad for p in model.velocity_net.parameters() if p.grad is not None]
    assert grads and any(float(g.abs().sum()) > 0 for g in grads)
    chainless = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3))
    with pytest.raises(ValueError, match="chain"):  # so the rollout above took the chain
        flow_loss(model, model, chainless, step=1, config=config)


@pytest.mark.parametrize(
    "option",
    [
        {"rollout_depth": 0},
        {"rollout_motion": 1.5},
        {"rollout_chain": -1},
        {"chain_share": 2.0},
        {"lost_hands": -0.1},
    ],
)
def test_flow_config_refuses_bad_rollout_and_data_options(option: dict[str, float]) -> None:
    with pytest.raises(ConfigError, match="rollout|chain|lost hands"):
        build_config(FlowTrainConfig, None, option)


def test_with_warp_a_motion_rollout_moves_its_start_along_the_pose_and_a_still_one_not() -> None:
    """Zero velocity: a motion step from the target frame lands on the previous frame's pose
    carrying the target latent along the pose's flow; a still step keeps its start."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3))
    assert batch.target_pose is not None and batch.previous_pose is not None
    model.velocity = lambda x, *rest: torch.zeros_like(x)  # type: ignore[method-assign,assignment]
    flow = pose_flow(batch.target_pose, batch.previous_pose, TINY.latent_size, TINY.image_size)
    for motion, expected in ((1.0, warp_latent(batch.target, flow)), (0.0, batch.previous)):
        config = FlowTrainConfig(
            rollout_motion=motion, perturb_sigma=0.0, blur_probability=0.0, warp=True
        )
        assert torch.equal(_rollout(model, batch, config), expected)
    assert not torch.equal(warp_latent(batch.target, flow), batch.target)


def test_with_warp_a_chain_rollout_follows_the_recorded_motion() -> None:
    """A held chain has no motion to follow (the same as without the warp); a moving one
    ends elsewhere."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3, chain=2))
    assert batch.chain_start is not None and batch.chain_poses is not None
    held = dataclasses.replace(batch, chain_poses=batch.chain_poses[:, :1].expand(-1, 3, -1, -1))
    model.velocity = lambda x, *rest: torch.zeros_like(x)  # type: ignore[method-assign,assignment]
    config = FlowTrainConfig(rollout_chain=2, perturb_sigma=0.0, blur_probability=0.0)
    warped = dataclasses.replace(config, warp=True)
    assert torch.allclose(
        _chain_rollout(model, held, warped), _chain_rollout(model, held, config), atol=1e-5
    )
    assert not torch.allclose(
        _chain_rollout(model, batch, warped), _chain_rollout(model, batch, config), atol=1e-3
    )
    loss = flow_loss(
        model, model, batch, 1, dataclasses.replace(warped, rollout_after=0, bf16=False)
    )
    assert torch.isfinite(loss)


@pytest.mark.parametrize("option", ["warp", "soften"])
def test_the_periodic_eval_starts_the_warm_step_as_training_does(option: str) -> None:
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = fixed_batch("heldout", TINY.image_size, 4, seed=3)
    plain, changed = flow_metrics(model, batch, 2), flow_metrics(model, batch, 2, **{option: True})
    assert {k: v for k, v in plain.items() if not k.startswith("warm_")} == {
        k: v for k, v in changed.items() if not k.startswith("warm_")
    }
    assert plain["warm_l1"] != changed["warm_l1"]


def test_with_soften_a_rollout_reads_its_start_through_the_blur() -> None:
    """Zero velocity: a still 1-step rollout lands on its start as the warm step read it, the
    blurred previous latent; a chain rollout and the loss run with it."""
    torch.manual_seed(0)
    model = RPFM(TINY)
    batch = encode_batch(model, fixed_batch("train", TINY.image_size, 4, seed=3, chain=2))
    model.velocity = lambda x, *rest: torch.zeros_like(x)  # type: ignore[method-assign,assignment]
    config = FlowTrainConfig(
        perturb_sigma=0.0, blur_probability=0.0, rollout_chain=2, warp=True, soften=True
    )
    assert torch.equal(_rollout(model, batch, config), soften(batch.previous))
    plain = dataclasses.replace(config, soften=False)
    assert torch.equal(_rollout(model, batch, plain), batch.previous)
    assert not torch.allclose(
        _chain_rollout(model, batch, config), _chain_rollout(model, batch, plain)
    )
    loss = flow_loss(
        model, model, batch, 1, dataclasses.replace(config, rollout_after=0, bf16=False)
    )
    assert torch.isfinite(loss)
