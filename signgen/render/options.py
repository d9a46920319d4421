"""`RenderOptions`: how each frame's latent is started and integrated (a frozen config).

Defaults follow DESIGN.md section 6: a cold start from one fixed noise per clip with 2 Euler
steps (a prototype here matched 8 steps at 2), then the trained frame-to-frame warm start
with 1 network evaluation per frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from signgen.cond.motion import STATIC_GAIN, check_gain
from signgen.errors import ConfigError
from signgen.sampler import METHODS, Method

WarmStart = Literal["trained", "sdedit", "none"]
WARM_STARTS: tuple[WarmStart, ...] = get_args(WarmStart)
Smoothing = Literal["savgol", "one_euro", "none"]
SMOOTHINGS: tuple[Smoothing, ...] = get_args(Smoothing)
# Solver steps per frame: beyond this the result no longer changes and a clip takes hours.
MAX_STEPS = 64  # the batch manifest allows the same


@dataclass(frozen=True)
class RenderOptions:
    """Per-clip render settings.

    steps:       solver steps of a cold start (frame 0, keyframes, and every frame with
                 warm_start="none"), integrating t = 0 -> 1 from the clip's fixed noise.
    solver:      "euler" (1 NFE/step), "heun" or "midpoint" (2 NFE/step).
    warm_start:  "trained": start from the previous latent on the model's frame-to-frame path
                 (mode 1) and integrate t = 0 -> 1 in ``warm_steps`` steps;
                 "sdedit": re-noise the previous latent to ``t0`` on the noise path and
                 integrate t0 -> 1 (a comparison mode: it drifts on a noise-only model);
                 "none": every frame is a cold start.
    warm_steps:  solver steps of a warm start (1 = one network evaluation with Euler).
    t0:          sdedit start time in (0, 1): closer to 1 keeps more of the previous frame.
    keyframe_interval: cold restart every N frames to re-anchor to the reference (0 = never).
    adaptive:    motion-adaptive correction: one more warm step per ``motion_px`` of the
                 fastest hand point's motion since the last frame (at most ``max_extra_steps``);
                 for sdedit, t0 is lowered (more noise) in proportion instead.
    seed:        seeds the clip's fixed noise; same seed, same video.
    budget_ms:   deadline mode: choose the steps of each frame to keep it under this many ms.
    smoothing:   pose filter before rendering (the face is never smoothed).
    max_gap:     longest run of missing frames (per point) filled by interpolation.
    fit_poses:   fit the poses to the reference's shoulders (one similarity transform). Off
                 for poses already in the render frame (synthetic clips with ground truth).
    clamp:       keep every frame's latent inside the per-channel value range of the
                 reference's latent (`signgen.model.clamp_to_reference`): stops a chained warm
                 start drifting into colours the signer does not have. Free; cold frames are
                 unchanged by it in practice.
    static_gain: temporal stabilisation of warm frames: the share of the warm step's update
                 applied in latent cells where the pose did not move over the last frames
                 (`signgen.cond.motion`); 1 turns it off, 0 freezes still regions.
    warp:        motion-compensated warm start: a trained warm frame starts from the previous
                 latent moved along the pose's motion since the last frame (arms and hands,
                 `signgen.cond.warp`) instead of the latent as it was. Costs about 0.3 ms.
    soften:      a trained warm frame reads the previous latent through a small blur
                 (`signgen.cond.soften`): it redraws fine detail from the pose and the
                 reference instead of copying the previous frame's errors. Still cells keep
                 the unblurred latent. Costs about 0.05 ms. The shipped weights are trained
                 with it (off, their warm frames lose 1-3 dB of limb PSNR).
    """

    steps: int = 2
    solver: Method = "euler"
    warm_start: WarmStart = "trained"
    warm_steps: int = 1
    t0: float = 0.7
    keyframe_interval: int = 0
    adaptive: bool = False
    motion_px: float = 4.0
    max_extra_steps: int = 2
    seed: int = 0
    budget_ms: float | None = None
    smoothing: Smoothing = "savgol"
    max_gap: int = 10
    fit_poses: bool = True
    clamp: bool = True
    static_gain: float = STATIC_GAIN
    warp: bool = True
    soften: bool = True

    def __post_init__(self) -> None:
        checks = [
            (
                1 <= self.steps <= MAX_STEPS,
                f"steps must be between 1 and {MAX_STEPS}, got {self.steps}",
            ),
            (self.solver in METHODS, f"solver must be one of {', '.join(METHODS)}"),
            (self.warm_start in WARM_STARTS, f"warm start must be one of {', '.join(WARM_STARTS)}"),
            (
                1 <= self.warm_steps <= MAX_STEPS,
                f"warm steps must be between 1 and {MAX_STEPS}, got {self.warm_steps}",
            ),
            (
                0 <= self.max_extra_steps <= MAX_STEPS,
                f"max extra steps must be between 0 and {MAX_STEPS}",
            ),
            (0.0 < self.t0 < 1.0, f"t0 must be between 0 and 1 (exclusive), got {self.t0}"),
            (self.keyframe_interval >= 0, "keyframe interval must be 0 (never) or positive"),
            (self.motion_px > 0, f"motion threshold must be positive, got {self.motion_px}"),
            (
                self.budget_ms is None or self.budget_ms > 0,
                f"budget must be a positive number of ms, got {self.budget_ms}",
            ),
            (self.smoothing in SMOOTHINGS, f"smoothing must be one of {', '.join(SMOOTHINGS)}"),
            (self.max_gap >= 0, f"max gap must be 0 or more, got {self.max_gap}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)
        check_gain(self.static_gain)
