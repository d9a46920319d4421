"""Training pairs and held-out clips from the synthetic signer world, rendered on the fly.

Splits are disjoint twice over: by appearance seed (train < `HELDOUT_SEED_START` <= held-out)
and by motion source (the recording `HELDOUT_RECORDING` and generated-motion seeds at or
above `HELDOUT_SEED_START` are held out). Everything is deterministic per seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

from signgen.errors import ConfigError
from signgen.io import read_canonical
from signgen.pose.layouts import LEFT_HAND, RIGHT_HAND
from signgen.pose.sequence import PoseSequence
from signgen.synth.appearance import HELDOUT_SEED_START, Appearance
from signgen.synth.motion import generated_motion, real_motions, recording_paths
from signgen.synth.render import render_frame
from signgen.synth.retarget import SourceMotion
from signgen.synth.skeleton import neutral_conf, neutral_pose, neutral_xy

_SPLITS = ("train", "heldout")


@lru_cache(maxsize=16)
def _source(path: Path) -> SourceMotion:
    return SourceMotion.prepare(read_canonical(path))


@lru_cache(maxsize=2)
def _sources(heldout: bool) -> tuple[tuple[SourceMotion, ...], np.ndarray]:
    """The split's real motions prepared for retargeting, and how often to pick each
    (in proportion to its length, so every real frame is about equally likely)."""
    sources = tuple(SourceMotion.prepare(seq) for seq in real_motions(heldout))
    frames = np.array([s.num_frames for s in sources], np.float64)
    return sources, frames / frames.sum()


def _seed_range(split: str) -> tuple[int, int]:
    return (
        (0, HELDOUT_SEED_START)
        if split == "train"
        else (HELDOUT_SEED_START, 2 * HELDOUT_SEED_START)
    )


def _image_tensor(image: np.ndarray) -> torch.Tensor:
    """uint8 [H, W, 3] -> float32 [3, H, W] in [-1, 1] (numpy: no torch thread pool in
    loader workers)."""
    scaled = image.transpose(2, 0, 1).astype(np.float32) * np.float32(1 / 127.5) - np.float32(1)
    return torch.from_numpy(np.ascontiguousarray(scaled))


def _pose_tensor(xy: np.ndarray, conf: np.ndarray) -> torch.Tensor:
    """xy [543, 2], conf [543] -> float32 [543, 3] (x px, y px, conf)."""
    return torch.from_numpy(np.concatenate([xy, conf[:, None]], axis=1).astype(np.float32))


class PairDataset(IterableDataset[dict[str, torch.Tensor]]):
    """An endless stream of (reference, previous, target) triples of one synthetic signer.

    Each item: ``reference``, ``previous``, ``target`` float32 [3, H, W] in [-1, 1];
    ``reference_pose``, ``previous_pose``, ``target_pose`` float32 [543, 3] (x px, y px,
    conf); ``target_mask`` uint8 [H, W] (labels of `signgen.synth.MASK_LABELS`); ``stride``
    int64 (frames from previous to target, 1..max_stride). The reference shows the neutral
    pose (half of the items) or another frame of the same motion. Item i depends only on
    (seed, i); DataLoader workers take interleaved items.

    With ``chain`` D > 0 an item also carries the motion leading up to the previous frame, for
    training rollouts that walk the model's own warm start through it: ``chain_start``
    float32 [3, H, W], the frame 1..D frames before ``previous``, and ``chain_poses`` float32
    [D + 1, 543, 3], the poses of the start and of each frame after it up to ``previous``
    (the start's pose repeated first for a chain shorter than D: still steps; clamped at the
    start of a recording).

    With ``lost_hands`` p > 0, a share p of the items lose both hands on every motion frame
    (conf 0), as a detector loses hands resting at the frame's bottom edge: the renderer draws
    closed fists at the wrists and the pose raster draws no hand, so the model learns that
    rule beyond the few recorded frames that show it. The reference keeps its hands.
    """

    def __init__(
        self,
        split: str = "train",
        size: int = 128,
        seed: int = 0,
        max_stride: int = 5,
        real_fraction: float = 0.5,
        neutral_reference: float = 0.5,
        chain: int = 0,
        lost_hands: float = 0.0,
    ) -> None:
        if split not in _SPLITS:
            raise ConfigError(f"unknown split {split!r} (choose from {', '.join(_SPLITS)})")
        if size < 32 or max_stride < 1 or chain < 0:
            raise ConfigError(
                f"need size >= 32, max_stride >= 1 and chain >= 0, got {size}, {max_stride}, "
                f"{chain}"
            )
        if not 0.0 <= lost_hands <= 1.0:
            raise ConfigError(f"lost hands must be a share in [0, 1], got {lost_hands}")
        self.split, self.size, self.seed, self.max_stride = split, size, seed, max_stride
        self.chain, self.lost_hands = chain, lost_hands
        self.real_fraction, self.neutral_reference = real_fraction, neutral_reference

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        worker = get_worker_info()
        index, step = (0, 1) if worker is None else (worker.id, worker.num_workers)
        while True:
            yield self.item(index)
            index += step

    def item(self, index: int) -> dict[str, torch.Tensor]:
        """The deterministic item number ``index``."""
        rng = np.random.default_rng([self.seed, index, 0xDA7A])
        low, high = _seed_range(self.split)
        appearance = Appearance.from_seed(int(rng.integers(low, high)))
        stride = int(rng.integers(1, self.max_stride + 1))
        xy, conf, stride = self._motion(rng, appearance, stride)
        if rng.uniform() < self.neutral_reference:
            ref_xy, ref_conf = neutral_xy(appearance, self.size), neutral_conf()
        else:
            ref_xy, ref_conf = xy[2], conf[2]
        if self.lost_hands and rng.uniform() < self.lost_hands:
            conf = conf.copy()
            motion = np.r_[0:2, 3 : len(conf)]  # every frame but the reference's
            conf[np.ix_(motion, np.r_[LEFT_HAND, RIGHT_HAND])] = 0.0
        size = self.size
        reference = render_frame(appearance, ref_xy, ref_conf, size).image
        previous = render_frame(appearance, xy[0], conf[0], size).image
        target = render_frame(appearance, xy[1], conf[1], size)
        chain = {}
        if self.chain:
            chain = {
                "chain_start": _image_tensor(render_frame(appearance, xy[3], conf[3], size).image),
                "chain_poses": torch.stack(
                    [_pose_tensor(xy[i], conf[i]) for i in range(3, len(xy))]
                ),
            }
        return chain | {
            "reference": _image_tensor(reference),
            "reference_pose": _pose_tensor(ref_xy, ref_conf),
            "previous": _image_tensor(previous),
            "previous_pose": _pose_tensor(xy[0], conf[0]),
            "target": _image_tensor(target.image),
            "target_pose": _pose_tensor(xy[1], conf[1]),
            "target_mask": torch.from_numpy(target.mask),
            "stride": torch.tensor(stride, dtype=torch.int64),
        }

    def _motion(
        self, rng: np.random.Generator, appearance: Appearance, stride: int
    ) -> tuple[np.ndarray, np.ndarray, int]:
        """Poses of (previous, target, another frame, then the ``chain`` frames if any): xy
        [F, 543, 2], conf [F, 543], and the stride (shortened for a recording shorter than
        it)."""
        sources, weights = _sources(self.split == "heldout")
        if sources and rng.uniform() < self.real_fraction:
            source = sources[int(rng.choice(len(sources), p=weights))]
            n = source.num_frames
            stride = min(stride, n - 1)
            target = int(rng.integers(stride, n))
            frames = np.array([target - stride, target, int(rng.integers(n))])
            frames = np.concatenate([frames, self._chain_frames(rng, target - stride)])
            return (*source.pose(appearance, self.size, frames), stride)
        low, high = _seed_range(self.split)
        length = stride + 12
        motion = generated_motion(appearance, self.size, length, int(rng.integers(low, high)))
        target = int(rng.integers(stride, length))
        frames = np.array([target - stride, target, int(rng.integers(length))])
        frames = np.concatenate([frames, self._chain_frames(rng, target - stride)])
        return motion.xy[frames], motion.conf[frames], stride

    def _chain_frames(self, rng: np.random.Generator, previous: int) -> np.ndarray:
        """The chain's ``chain`` + 1 frame numbers ending on ``previous``: its start, repeated
        for the still steps, then 1..chain real ones; none when ``chain`` is 0."""
        if not self.chain:
            return np.zeros(0, dtype=np.int64)
        real = int(rng.integers(1, self.chain + 1))
        start = previous - real
        frames = np.concatenate([np.full(self.chain - real, start), start + np.arange(real + 1)])
        return np.maximum(frames, 0)


@dataclass(frozen=True, eq=False)
class SynthClip:
    """A held-out clip with ground truth.

    reference: uint8 [H, W, 3] (neutral pose); reference_pose: 1 frame; poses: [T] frames;
    frames: uint8 [T, H, W, 3]; masks: uint8 [T, H, W].
    """

    appearance: Appearance
    reference: np.ndarray
    reference_pose: PoseSequence
    poses: PoseSequence
    frames: np.ndarray
    masks: np.ndarray


def heldout_clip(index: int, num_frames: int, size: int) -> SynthClip:
    """Held-out clip ``index`` (>= 0): a held-out signer (seed HELDOUT_SEED_START + index)
    performing the held-out real recording (even index; played forward then backward as
    often as ``num_frames`` needs) or a held-out generated motion (odd index)."""
    if index < 0 or num_frames < 1:
        raise ConfigError(f"need index >= 0 and num_frames >= 1, got {index}, {num_frames}")
    appearance = Appearance.from_seed(HELDOUT_SEED_START + index)
    if index % 2 == 0:
        (path,) = recording_paths(heldout=True)
        seq = read_canonical(path)
        source = _source(path)
        n = source.num_frames
        cycle = np.concatenate([np.arange(n), np.arange(n - 2, 0, -1)])
        frames = cycle[(np.arange(num_frames) + (index // 2) * 31) % len(cycle)]
        xy, conf = source.pose(appearance, size, frames)
        poses = PoseSequence(xy, conf, seq.fps, size, size, seq.layout)
    else:
        poses = generated_motion(appearance, size, num_frames, HELDOUT_SEED_START + index)
    rendered = [
        render_frame(appearance, poses.xy[t], poses.conf[t], size) for t in range(num_frames)
    ]
    reference_pose = neutral_pose(appearance, size)
    reference = render_frame(appearance, reference_pose.xy[0], reference_pose.conf[0], size)
    return SynthClip(
        appearance=appearance,
        reference=reference.image,
        reference_pose=reference_pose,
        poses=poses,
        frames=np.stack([f.image for f in rendered]),
        masks=np.stack([f.mask for f in rendered]),
    )
