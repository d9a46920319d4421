"""`retarget`: any canonical pose sequence onto an appearance's body, fitted to its frame.

The motion is kept as directions and relative lengths; the lengths are the appearance's:
one similarity (median shoulder width and centre) carries the source into the frame, then
every bone (upper arm, forearm, hand, neck, face) is rescaled from the source signer's own
proportion to the appearance's. A bone's source proportion is a high percentile of its 2-D
length over the sequence (its length when it lies in the image plane), so foreshortening
stays as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signgen.errors import LayoutError, PoseFileError
from signgen.pose.layouts import CANONICAL, FACE, LEFT, RIGHT, SIDES, Side
from signgen.pose.sequence import PoseSequence
from signgen.synth.appearance import Appearance
from signgen.synth.hands import fist_points
from signgen.synth.skeleton import (
    body_head_points,
    complete_face,
    eye_centers,
    frame_anchor,
    neutral_conf,
    set_body_hand_points,
    template_face,
)

# Proportions of the average recorded signer (MediaPipe points; ratios to shoulder width),
# measured on the holistic recordings in signgen/data/recordings: floors for the source's
# own proportions when a bone never lies flat in the image.
_TYPICAL = {"upper_arm": 0.9, "forearm": 0.78, "hand": 0.25, "neck": 0.72, "head": 0.21}
_SWAY_LIMIT = 0.12  # shoulder-centre excursion kept from the source, in shoulder widths


@dataclass(frozen=True, eq=False)
class SourceMotion:
    """A canonical sequence prepared once for retargeting onto any appearance.

    xy: [T, 543, 2] float64 source px, upright, arms held over gaps, faces completed;
    hands: [T, 2] bool, left/right hand fully present; unit: median shoulder width px;
    center: [2] median shoulder centre px; ratios: the source's bone proportions.
    """

    xy: np.ndarray
    hands: np.ndarray
    unit: float
    center: np.ndarray
    ratios: dict[str, float]

    @property
    def num_frames(self) -> int:
        return int(self.xy.shape[0])

    @classmethod
    def prepare(cls, seq: PoseSequence) -> SourceMotion:
        if seq.layout.name != CANONICAL.name:
            raise LayoutError(f"retargeting needs the canonical layout, got {seq.layout.name!r}")
        xy = _upright(_held(seq.xy.astype(np.float64), seq.conf))
        hands = np.stack([(seq.conf[:, side.hand] > 0).all(axis=1) for side in SIDES], axis=1)
        width = np.hypot(*(xy[:, LEFT.shoulder] - xy[:, RIGHT.shoulder]).T).clip(1e-6)
        center = (xy[:, LEFT.shoulder] + xy[:, RIGHT.shoulder]) / 2
        left_eye, right_eye = eye_centers(xy[:, FACE])
        ratios = {
            "neck": _ratio(np.hypot(*((left_eye + right_eye) / 2 - center).T) / width, "neck", 50),
            "head": _ratio(np.hypot(*(left_eye - right_eye).T) / width, "head", 50),
        }
        for side, present in zip(SIDES, hands.T, strict=True):
            upper = np.hypot(*(xy[:, side.elbow] - xy[:, side.shoulder]).T) / width
            fore = np.hypot(*(xy[:, side.wrist] - xy[:, side.elbow]).T) / width
            start = side.hand.start
            palm = np.hypot(*(xy[present, start + 9] - xy[present, start]).T)
            ratios[f"{side.name}_upper_arm"] = _ratio(upper, "upper_arm", 95)
            ratios[f"{side.name}_forearm"] = _ratio(fore, "forearm", 95)
            ratios[f"{side.name}_hand"] = _ratio(palm / width[present], "hand", 90)
        return cls(xy, hands, float(np.median(width)), np.median(center, axis=0), ratios)

    def pose(
        self, appearance: Appearance, size: int, frames: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The chosen source frames [N] on ``appearance`` in a size x size frame:
        (xy [N, 543, 2] float32 px, conf [N, 543] float32); see `retarget`."""
        xy = self.xy[frames]
        center, sw = frame_anchor(appearance, size)
        gain = sw / self.unit
        src_center = (xy[:, LEFT.shoulder] + xy[:, RIGHT.shoulder]) / 2
        new_center = center + np.clip(gain * (src_center - self.center), -_SWAY_LIMIT * sw,
                                      _SWAY_LIMIT * sw)  # fmt: skip
        half = (xy[:, LEFT.shoulder] - xy[:, RIGHT.shoulder]) / 2
        length = np.hypot(*half.T).clip(1e-6)[:, None]
        across = half / length
        half = across * np.clip(length * gain * 2 / sw, 0.75, 1.05) * sw / 2
        out = np.zeros_like(xy)
        out[:, LEFT.shoulder], out[:, RIGHT.shoulder] = new_center + half, new_center - half
        conf = np.broadcast_to(neutral_conf(), xy.shape[:2]).copy()
        for side in SIDES:
            self._arm(side, xy, out, conf, frames, gain, appearance)
        self._head(xy, src_center, out, new_center, gain, appearance)
        down = np.stack([-across[:, 1], across[:, 0]], axis=1)
        hip_mid = new_center + down * 1.43 * sw
        out[:, 23] = hip_mid + across * appearance.hips * sw / 2
        out[:, 24] = hip_mid - across * appearance.hips * sw / 2
        out[:, 25:33] = center + (0, 2 * sw)  # legs: below the frame, conf 0
        set_body_hand_points(out)
        return out.astype(np.float32), conf

    def _arm(
        self,
        side: Side,
        xy: np.ndarray,
        out: np.ndarray,
        conf: np.ndarray,
        frames: np.ndarray,
        gain: float,
        appearance: Appearance,
    ) -> None:
        shoulder, elbow, wrist, span = side.shoulder, side.elbow, side.wrist, side.hand
        k_upper = gain * appearance.upper_arm / self.ratios[f"{side.name}_upper_arm"]
        k_fore = gain * appearance.forearm / self.ratios[f"{side.name}_forearm"]
        k_hand = gain * appearance.hand / self.ratios[f"{side.name}_hand"]
        out[:, elbow] = out[:, shoulder] + (xy[:, elbow] - xy[:, shoulder]) * k_upper
        out[:, wrist] = out[:, elbow] + (xy[:, wrist] - xy[:, elbow]) * k_fore
        hand = xy[:, span]
        out[:, span] = out[:, wrist][:, None] + (hand - hand[:, :1]) * k_hand
        present = self.hands[frames, int(side.right)]
        palm = appearance.hand * gain * self.unit
        for i in np.flatnonzero(~present):
            out[i, span] = fist_points(out[i, wrist], out[i, elbow], palm, side.right)
        conf[:, span] = present[:, None]

    def _head(
        self,
        xy: np.ndarray,
        src_center: np.ndarray,
        out: np.ndarray,
        new_center: np.ndarray,
        gain: float,
        appearance: Appearance,
    ) -> None:
        face = xy[:, FACE]
        left_eye, right_eye = eye_centers(face)
        eye_mid = (left_eye + right_eye) / 2
        k_neck = gain * appearance.neck / self.ratios["neck"]
        k_head = gain * appearance.head / self.ratios["head"]
        new_mid = new_center + (eye_mid - src_center) * k_neck
        out[:, FACE] = new_mid[:, None] + (face - eye_mid[:, None]) * k_head
        out[:, :11] = body_head_points(out[:, FACE])


def retarget(seq: PoseSequence, appearance: Appearance, size: int) -> PoseSequence:
    """``seq`` (canonical layout, any frame size) as ``appearance`` in a size x size frame.

    The motion keeps its directions, timing and foreshortening; the lengths become the
    appearance's. Body points 0..24 and the whole face are always present (conf 1: missing
    arm points are held from the nearest frame that has them, faces are completed from the
    template face). A hand the source lost keeps conf 0 and becomes a closed fist at the
    wrist, as `render_frame` draws it. Raises `PoseFileError` if no frame has both shoulders.
    """
    source = SourceMotion.prepare(seq)
    xy, conf = source.pose(appearance, size, np.arange(seq.num_frames))
    return seq.replace(xy=xy, conf=conf, width=size, height=size)


def _ratio(values: np.ndarray, name: str, percentile: float) -> float:
    """A source proportion: a percentile of per-frame ratios, floored at 85% of typical."""
    typical = _TYPICAL[name]
    if len(values) == 0:
        return typical
    return float(max(np.percentile(values, percentile), 0.85 * typical))


def _upright(xy: np.ndarray) -> np.ndarray:
    """Rotate the sequence so its median shoulder line is level (some phone recordings are
    stored sideways); per-frame tilt relative to that is kept."""
    across = xy[:, LEFT.shoulder] - xy[:, RIGHT.shoulder]
    angle = float(np.median(np.unwrap(np.arctan2(across[:, 1], across[:, 0]))))
    if abs(angle) < np.radians(5):
        return xy
    c, s = np.cos(-angle), np.sin(-angle)
    pivot = np.median((xy[:, LEFT.shoulder] + xy[:, RIGHT.shoulder]) / 2, axis=0)
    return np.asarray((xy - pivot) @ np.array([[c, s], [-s, c]]) + pivot)


def _held(xy: np.ndarray, conf: np.ndarray) -> np.ndarray:
    """Source points [T, 543, 2] with the body's arms held over time where missing (from the
    nearest frame that has them; a hanging arm where never seen) and faces completed from the
    template face (fitted to the face, else to the body's eyes and nose, else placed above the
    shoulders). A copy; raises `PoseFileError` when no frame has both shoulders."""
    xy = xy.copy()
    frames = np.arange(len(xy))
    shoulders_seen = (conf[:, [LEFT.shoulder, RIGHT.shoulder]] > 0).all(axis=1)
    if not shoulders_seen.any():
        raise PoseFileError("no frame has both shoulders: cannot place the signer's body")
    for k in (LEFT.shoulder, RIGHT.shoulder, LEFT.elbow, RIGHT.elbow, LEFT.wrist, RIGHT.wrist):
        seen = conf[:, k] > 0 if k > RIGHT.shoulder else shoulders_seen
        if not seen.any():  # an arm never seen hangs down from its shoulder
            width = np.hypot(*(xy[:, LEFT.shoulder] - xy[:, RIGHT.shoulder]).T)[:, None]
            length = (
                _TYPICAL["upper_arm"] if k in (LEFT.elbow, RIGHT.elbow) else _TYPICAL["forearm"]
            )
            xy[:, k] = xy[:, k - 2] + np.array([0.0, 1.0]) * width * length
            continue
        if not seen.all():
            known = np.flatnonzero(seen)
            xy[:, k] = xy[known[np.abs(frames[:, None] - known[None]).argmin(axis=1)], k]
    for t in range(len(xy)):
        left, right = xy[t, LEFT.shoulder], xy[t, RIGHT.shoulder]
        width = float(np.hypot(*(left - right)))
        above = template_face((left + right) / 2 - (0, 0.72 * width), 0.21 * width)
        xy[t, FACE] = complete_face(xy[t, FACE], conf[t, FACE], xy[t, :33], conf[t, :33], above)
    return xy
