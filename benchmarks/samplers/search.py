"""The honest K of the cold-start row: the fewest steps that match the 50-step sampler.

Pure logic over measured numbers: the runner scores each candidate K in increasing order
and asks `next_k`/`choose_k`; the trials are kept and printed so the choice can be checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class KTrial:
    """One candidate: SSIM of cold K-step frames vs ground truth, on the 50-step row's frames.

    gap: reference SSIM (50-step) minus this SSIM (> 0: worse than 50 steps).
    """

    k: int
    ssim: float
    gap: float
    within: bool


@dataclass(frozen=True)
class KSearch:
    """The trials in order and the K chosen (``found`` False: no candidate was within the
    tolerance, and the best-scoring one was taken)."""

    reference_ssim: float
    tolerance: float
    trials: tuple[KTrial, ...]
    k: int
    found: bool


def trial(k: int, ssim: float, reference_ssim: float, tolerance: float) -> KTrial:
    gap = reference_ssim - ssim
    return KTrial(k=k, ssim=ssim, gap=gap, within=gap <= tolerance)


def choose_k(
    scores: Sequence[tuple[int, float]], reference_ssim: float, tolerance: float
) -> KSearch:
    """The smallest K whose SSIM is within ``tolerance`` of ``reference_ssim``.

    scores: (K, SSIM) in increasing K, as measured; the search stops at the first K within
    the tolerance (later entries are not looked at, nor need they be measured).
    """
    if not scores:
        raise ValueError("the K search needs at least one measured candidate")
    trials: list[KTrial] = []
    for k, ssim in scores:
        trials.append(trial(k, ssim, reference_ssim, tolerance))
        if trials[-1].within:
            return KSearch(reference_ssim, tolerance, tuple(trials), k, True)
    best = max(trials, key=lambda t: (t.ssim, -t.k))
    return KSearch(reference_ssim, tolerance, tuple(trials), best.k, False)
