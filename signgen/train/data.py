"""Training data: synthetic (reference, previous, target) pairs kept in a replay pool.

Rendering one pair costs about as much as a training step on this 2-core CPU, so rendered
pairs are kept in memory and sampled with replacement; ``fresh_per_step`` new pairs enter
the pool each step (from a loader worker when ``workers`` is 1, overlapping the step).
The flow stores latents instead of images (the frozen encoder runs once per pair).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace

import torch
from torch import Tensor
from torch.utils.data import DataLoader, IterableDataset

from signgen.cond import pose_raster_batch

Item = dict[str, Tensor]


@dataclass(frozen=True)
class Batch:
    """One batch. Images float32 [B, 3, S, S] in [-1, 1] (or, in the flow's pool, latents
    [B, C, h, w]); rasters float32 [B, 22, S, S] in [0, 1]; ``target_mask`` uint8 [B, S, S]
    (synthetic labels 0-6). ``chain_start`` (image or latent) and ``chain_poses`` [B, D + 1,
    543, 3]: the motion before the previous frame, only from a pool with a chain (see
    `signgen.synth.dataset.PairDataset`). ``target_pose`` and ``previous_pose`` [B, 543, 3]:
    the two frames' canonical poses (pixels, confidence), for `signgen.cond.warp`."""

    reference: Tensor
    target: Tensor
    previous: Tensor
    reference_raster: Tensor
    target_raster: Tensor
    previous_raster: Tensor
    target_mask: Tensor
    chain_start: Tensor | None = None
    chain_poses: Tensor | None = None
    target_pose: Tensor | None = None
    previous_pose: Tensor | None = None

    def to(self, device: torch.device | str) -> Batch:
        return self._map(lambda value: value.to(device))

    def __len__(self) -> int:
        return len(self.target)

    def select(self, index: Tensor | slice) -> Batch:
        return self._map(lambda value: value[index])

    def _map(self, apply: Callable[[Tensor], Tensor]) -> Batch:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(self, **{k: apply(v) for k, v in values.items() if v is not None})


def to_batch(items: Item) -> Batch:
    """Stacked PairDataset fields (images or latents, poses [B, 543, 3]) -> `Batch`."""
    size = items["target_mask"].shape[-1]
    return Batch(
        reference=items["reference"],
        target=items["target"],
        previous=items["previous"],
        reference_raster=pose_raster_batch(items["reference_pose"], size),
        target_raster=pose_raster_batch(items["target_pose"], size),
        previous_raster=pose_raster_batch(items["previous_pose"], size),
        target_mask=items["target_mask"],
        chain_start=items.get("chain_start"),
        chain_poses=items.get("chain_poses"),
        target_pose=items["target_pose"],
        previous_pose=items["previous_pose"],
    )


def pair_dataset(
    split: str, size: int, seed: int, max_stride: int, chain: int = 0, lost_hands: float = 0.0
) -> IterableDataset[Item]:
    """The synthetic signer world's pair stream (`signgen.synth.dataset.PairDataset`)."""
    from signgen.synth.dataset import PairDataset

    return PairDataset(
        split=split, size=size, seed=seed, max_stride=max_stride, chain=chain,
        lost_hands=lost_hands,
    )  # fmt: skip


def pair_stream(
    split: str,
    size: int,
    seed: int,
    max_stride: int,
    workers: int,
    chain: int = 0,
    lost_hands: float = 0.0,
) -> Iterator[Item]:
    """Endless single pairs; rendered in a worker process when ``workers`` > 0."""
    dataset = pair_dataset(split, size, seed, max_stride, chain, lost_hands)
    if workers == 0:
        return iter(dataset)
    loader = DataLoader(dataset, batch_size=None, num_workers=workers, prefetch_factor=8)
    return iter(loader)


def fixed_batch(
    split: str, size: int, count: int, seed: int, max_stride: int = 5, chain: int = 0
) -> Batch:
    """The first ``count`` pairs of a stream as one batch (held-out evaluation, tests)."""
    stream = pair_stream(split, size, seed, max_stride, 0, chain)
    items = [next(stream) for _ in range(count)]
    return to_batch({key: torch.stack([item[key] for item in items]) for key in items[0]})


class PairPool:
    """Pairs in memory, sampled with replacement; ``fresh`` new pairs per `sample` call.

    store: optional transform of each incoming stacked chunk (e.g. images -> latents).
    The pool grows to ``capacity``, then replaces its oldest pairs.
    """

    def __init__(
        self,
        stream: Iterator[Item],
        capacity: int,
        fresh: int,
        store: Callable[[Item], Item] | None = None,
    ) -> None:
        self.stream, self.capacity, self.fresh = stream, capacity, fresh
        self.store = store or (lambda items: items)
        self.data: Item = {}
        self.size = 0
        self._next = 0  # slot the next pair replaces once full

    def add(self, count: int) -> None:
        chunk = [next(self.stream) for _ in range(count)]
        items = self.store({k: torch.stack([c[k] for c in chunk]) for k in chunk[0]})
        for key, value in items.items():
            if key not in self.data:
                self.data[key] = torch.empty((self.capacity, *value.shape[1:]), dtype=value.dtype)
        for row in range(count):
            slot = self.size if self.size < self.capacity else self._next
            for key, value in items.items():
                self.data[key][slot] = value[row]
            if self.size < self.capacity:
                self.size += 1
            else:
                self._next = (self._next + 1) % self.capacity

    def sample(self, batch_size: int) -> Item:
        """Add ``fresh`` pairs, then draw ``batch_size`` stored pairs uniformly."""
        self.add(self.fresh)
        index = torch.randint(self.size, (batch_size,))
        return {key: value[index] for key, value in self.data.items()}

    def items(self, batch_size: int, warm: int) -> Iterator[Item]:
        """Fill to ``warm`` pairs first, then sample forever."""
        if self.size < warm:
            self.add(warm - self.size)
        while True:
            yield self.sample(batch_size)
