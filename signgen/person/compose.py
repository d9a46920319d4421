"""`PersonScene`: a reference photo prepared once per clip, composed into any target pose.

Prepared once: the person mask, the part masks, the body plate (the reference with the arms
and hands removed and inpainted: what lies behind a moved limb), how strongly each pixel
follows the head and the trunk, the colours of the skin and of each limb. Per frame: every
part gets its transform (jitter-ramped, judged on the points in view: a joint out of the
frame is a guess whose shake must not move what is seen); still parts keep their reference
pixels exactly. The head and trunk move as one smooth backward warp (their surroundings
stretch a little, nothing tears, the face stays sharp); moved limbs and hands are lifted off
onto the body plate and pasted at their target place, back to front, and softened a little
(`SOFTEN`: motion blur).
Where the target shape of a moved hand has no reference pixels, or a moved limb's shape has
none because the reference did not show that piece of it (out of view, or hidden behind a
hand or forearm), the composite paints it and marks the pixel in ``painted``. A hand is
painted in the skin's colour and marked in ``fill`` too: the generator's share, the fingers
that paint cannot draw. A limb's missing piece continues the colours of the limb next to it
(a forearm whose wrist was out of view goes on as the arm above it) and stays paint: the
generator draws a limb as a flat capsule with a dark rim, which adds no detail and shows as
scribbles on a real arm. A limb's outline is wider than most arms: the rest of it is
backdrop, not a missing piece, and is left to what lies behind.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from signgen.errors import ImageError
from signgen.person.parts import (
    MOVABLE,
    PARTS,
    Part,
    draw_part,
    matched_points,
    part_extent,
    part_masks,
)
from signgen.person.parts import shoulder_width as measure_shoulders
from signgen.person.plate import inpaint_plate
from signgen.person.warp import part_transform, ramp_transform

JITTER = 0.035
"""A part moves only once its points moved more than this share of the shoulder width (about
3.5 px at 256 px for a half-body shot): MediaPipe's shake on a still signer stays below it."""
MIN_PERSON = 0.02  # share of the image the person mask must cover
SOFTEN = 1 / 128
"""What a moved limb or hand covers is softened by a Gaussian of this share of the frame size
(2 px at 256): a moving limb is motion-blurred on camera, and a rigidly moved part's hard edge
is never exactly where the real one is; what stood still keeps its sharp reference pixels."""
CONTINUE = 0.5
"""How far (a share of the limb's width) a limb's missing piece looks for the colours it
continues."""
NEAR_SHARE = 0.05  # part coverage, blurred, below which those colours fade into the part's own
MIN_MISSING = 0.1  # a limb's missing share below which its flat colour is paint enough
BODY_KINDS = ("torso", "head")  # moved by one smooth warp, not lifted off
BODY_REACH = 0.12
"""How far (a share of the shoulder width) the head's and trunk's motion spreads beyond their
outline into what surrounds them."""


@dataclass(frozen=True, eq=False)
class Composite:
    """One composed frame.

    image: uint8 [S, S, 3] RGB.
    fill:  float32 [S, S] in [0, 1]: the generator's share (a hand's missing pixels); 0
           where the image is the reference's own pixels.
    painted: float32 [S, S] in [0, 1]: where no reference pixel could be moved in (``fill``
           and the limbs' missing pieces).
    moved: float32 [S, S] in [0, 1]: where the image differs from the reference by design.
    weights: each part's transform weight (0 = kept still, 1 = moved fully).
    """

    image: np.ndarray
    fill: np.ndarray
    painted: np.ndarray
    moved: np.ndarray
    weights: dict[str, float]


class PersonScene:
    """A reference photo split into parts, ready to be composed into target poses."""

    def __init__(
        self,
        reference: np.ndarray,
        xy: np.ndarray,
        conf: np.ndarray,
        person: np.ndarray,
        jitter: float = JITTER,
    ) -> None:
        """reference: uint8 [S, S, 3] RGB; xy [K, 2] float32 / conf [K]: its own pose in the
        canonical layout, in its pixels; person: float32 [S, S] in [0, 1] (`person_mask`).

        Raises ImageError when the mask shows no person or the pose no shoulders.
        """
        size = reference.shape[0]
        if reference.shape != (size, size, 3) or person.shape != (size, size):
            raise ImageError("the reference and its person mask must be [S, S, 3] and [S, S]")
        if float(person.mean()) < MIN_PERSON:
            raise ImageError("no person was found in the reference image")
        scale = measure_shoulders(xy, conf)
        if scale <= 0:
            raise ImageError(
                "no signer with both shoulders visible was found in the reference image"
            )
        self.size = size
        self.reference = reference
        self.xy = xy.astype(np.float32)
        self.conf = conf.astype(np.float32)
        self.person = person.astype(np.float32)
        self.scale = scale
        self.threshold = jitter * scale
        self.masks = part_masks(self.xy, self.conf, self.person)
        limbs = np.sum([self.masks[p.name] for p in MOVABLE], axis=0)
        self.body_plate = inpaint_plate(reference, limbs).astype(np.float32)
        self.skin = _skin_colour(reference, self.xy, self.conf, self.masks)
        self.colours = _part_colours(reference, self.masks, self.skin)
        # How strongly each pixel follows the head and the trunk: their masks (the arms ride
        # with the trunk until they move themselves) spread a little into the background, so
        # a moved body stretches what surrounds it instead of tearing from it.
        reach = BODY_REACH * scale
        face = self.masks["head"]
        head = np.maximum(face, cv2.GaussianBlur(face, (0, 0), reach))
        trunk = cv2.GaussianBlur(self.person - face, (0, 0), reach) * (1.0 - face)
        envelope = np.maximum(self.person, head + trunk) / np.maximum(head + trunk, 1e-6)
        self._follow = {"head": head * envelope, "torso": trunk * envelope}
        self._grid = np.meshgrid(
            np.arange(size, dtype=np.float32), np.arange(size, dtype=np.float32)
        )
        self._image = reference.astype(np.float32)
        lifts = {p.name: _grow(self.masks[p.name]) for p in PARTS}
        self._boxes = {p.name: _box(lifts[p.name], size) for p in PARTS}
        # Per movable part, its box's layers stacked so that one warp moves them together: its
        # pixels and mask, and for a limb what the reference can give of it (its outline inside
        # the frame less what a part in front of it hides; the rest of the outline there is
        # backdrop, not a missing piece of the limb); the body plate behind it and its lift.
        self._stacks: dict[str, np.ndarray] = {}
        self._behind: dict[str, np.ndarray] = {}
        for index, part in enumerate(PARTS):
            box = self._boxes[part.name]
            if part.kind not in ("limb", "hand") or box is None:
                continue
            layers = [self._image, self.masks[part.name][..., None]]
            if part.kind == "limb":
                drawn = draw_part(part, self.xy, self.conf, size, scale)
                outline = drawn.astype(np.float32) / 255
                hidden = np.sum([self.masks[q.name] for q in PARTS[index + 1 :]], axis=0)
                known = cv2.GaussianBlur(outline, (0, 0), 1.0) * (1.0 - hidden)
                layers.append(np.maximum(known, self.masks[part.name])[..., None])
                box = self._boxes[part.name] = _union(box, _box(outline > 0, size))
            x0, y0, x1, y1 = box
            stack = np.concatenate([layer[y0:y1, x0:x1] for layer in layers], axis=-1)
            self._stacks[part.name] = np.ascontiguousarray(stack)
            behind = [self.body_plate[y0:y1, x0:x1], lifts[part.name][y0:y1, x0:x1, None]]
            self._behind[part.name] = np.ascontiguousarray(np.concatenate(behind, axis=-1))

    def compose(self, xy: np.ndarray, conf: np.ndarray) -> Composite:
        """The reference moved to the pose ``xy`` [K, 2] / ``conf`` [K] (canonical, pixels of
        this scene's S x S frame)."""
        size = self.size
        canvas = self._image.copy()
        fill = np.zeros((size, size), np.float32)
        painted = np.zeros((size, size), np.float32)
        moved = np.zeros((size, size), np.float32)
        soft = np.zeros((size, size), np.float32)
        weights: dict[str, float] = {}
        placed: list[tuple[Part, np.ndarray]] = []
        for part in PARTS:
            matrix, weight = self._transform(part, xy, conf)
            weights[part.name] = weight
            if weight > 0 and self._boxes[part.name] is not None:
                placed.append((part, matrix))
            elif self._boxes[part.name] is None and part.kind in ("limb", "hand"):
                weights[part.name] = 1.0  # out of the reference's view: drawn in its colour
                self._paint(part, xy, conf, canvas, (fill, painted), moved)
        body = [(part, matrix) for part, matrix in placed if part.kind in BODY_KINDS]
        placed = [(part, matrix) for part, matrix in placed if part.kind not in BODY_KINDS]
        flow = self._body_flow(body) if body else None
        if flow is not None:  # the head and trunk move as one smooth, tear-free field
            canvas = _remap(canvas, flow)
            changed = np.hypot(flow[0] - self._grid[0], flow[1] - self._grid[1])
            np.maximum(moved, np.clip(changed, 0.0, 1.0), out=moved)
        # Lift every moved limb off first (onto what lies behind it), then paste back to front.
        for part, _ in placed:
            x0, y0, x1, y1 = self._box_of(part)
            behind = self._behind[part.name]
            if flow is not None:  # where the limb and the body behind it are once it moved
                grid = (flow[0][y0:y1, x0:x1] - x0, flow[1][y0:y1, x0:x1] - y0)
                behind = _remap(behind, grid)
            under, lift = behind[..., :3], behind[..., 3]
            region = canvas[y0:y1, x0:x1]
            region += lift[..., None] * (under - region)
            np.maximum(moved[y0:y1, x0:x1], lift, out=moved[y0:y1, x0:x1])
        for part, matrix in placed:
            box = self._target_box(part, matrix, xy, conf)
            if box is None:
                continue
            x0, y0, x1, y1 = box
            sx0, sy0, sx1, sy1 = self._box_of(part)
            local = _shift(matrix, (sx0, sy0), (x0, y0))
            shape = (x1 - x0, y1 - y0)
            layers = _warp(self._stacks[part.name], local, shape)
            pixels, alpha = layers[..., :3], layers[..., 3]
            known = layers[..., 4] if layers.shape[-1] > 4 else None
            alpha, pixels, missing = self._complete(part, xy, conf, alpha, pixels, box, known)
            _cover(painted[y0:y1, x0:x1], alpha, missing)
            _cover(fill[y0:y1, x0:x1], alpha, missing if part.kind == "hand" else None)
            region = canvas[y0:y1, x0:x1]
            region += alpha[..., None] * (pixels - region)
            np.maximum(moved[y0:y1, x0:x1], alpha, out=moved[y0:y1, x0:x1])
            np.maximum(soft[y0:y1, x0:x1], alpha, out=soft[y0:y1, x0:x1])
        _soften(canvas, soft, SOFTEN * size)
        canvas += 0.5
        image = np.clip(canvas, 0, 255, out=canvas).astype(np.uint8)
        return Composite(image, fill, painted, moved, weights)

    def _paint(
        self,
        part: Part,
        xy: np.ndarray,
        conf: np.ndarray,
        canvas: np.ndarray,
        masks: tuple[np.ndarray, np.ndarray],
        moved: np.ndarray,
    ) -> None:
        """A limb or hand the reference does not show, painted in its colour in its target
        shape and marked in ``masks`` = (fill, painted): a hand in both, a limb in painted
        only (it stays paint)."""
        extent = part_extent(part, xy, conf, self.scale)
        if extent is None:
            return
        x0, y0 = (max(0, int(np.floor(v))) for v in extent[:2])
        x1, y1 = (min(self.size, int(np.ceil(v)) + 1) for v in extent[2:])
        if x1 <= x0 or y1 <= y0:
            return
        drawn = draw_part(part, xy, conf, (y1 - y0, x1 - x0), self.scale, origin=(x0, y0))
        shape = cv2.GaussianBlur(drawn.astype(np.float32) / 255.0, (0, 0), 1.0)
        region = canvas[y0:y1, x0:x1]
        region += shape[..., None] * (self.colours[part.name] - region)
        fill, painted = masks
        _cover(painted[y0:y1, x0:x1], shape, shape)
        _cover(fill[y0:y1, x0:x1], shape, shape if part.kind == "hand" else None)
        np.maximum(moved[y0:y1, x0:x1], shape, out=moved[y0:y1, x0:x1])

    def _body_flow(self, body: list[tuple[Part, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """The backward map (map_x, map_y: float32 [S, S]) moving the head and trunk by their
        transforms. A part's weight holds where it went (an output pixel inside the moved
        head reads exactly the head's own pixel, however far it moved) and where it was (what
        it leaves behind is filled by stretching its surroundings, not by a ghost of it); the
        head is in front: where it lands, the trunk gives way."""
        gx, gy = self._grid
        size = self.size
        dx = np.zeros_like(gx)
        dy = np.zeros_like(gy)
        free = np.ones_like(gx)  # what the parts in front have not claimed yet
        for part, matrix in sorted(body, key=lambda placed: placed[0].kind != "head"):
            inverse = cv2.invertAffineTransform(matrix)
            follow = self._follow[part.name]
            landed = cv2.warpAffine(follow, matrix, (size, size), flags=cv2.INTER_LINEAR)
            weight = free * np.maximum(landed, follow)  # where it went and where it was
            dx += weight * (inverse[0, 0] * gx + inverse[0, 1] * gy + inverse[0, 2] - gx)
            dy += weight * (inverse[1, 0] * gx + inverse[1, 1] * gy + inverse[1, 2] - gy)
            free -= weight
        return gx + dx, gy + dy

    def _box_of(self, part: Part) -> tuple[int, int, int, int]:
        box = self._boxes[part.name]
        assert box is not None, "only parts with pixels are placed"
        return box

    def _transform(self, part: Part, xy: np.ndarray, conf: np.ndarray) -> tuple[np.ndarray, float]:
        """The part's ramped transform to the target pose; weight 0 when it cannot be placed
        in either pose (it then stays as in the reference)."""
        matched = matched_points(part, self.xy, self.conf, xy, conf)
        if matched is None:
            return np.eye(2, 3), 0.0
        source, target = matched
        if part.kind in ("limb", "hand") and self._outside(source) and self._outside(target):
            return np.eye(2, 3), 0.0  # out of view in both poses: nothing of it to move
        matrix = part_transform(part.kind, source, target)
        return ramp_transform(matrix, self._in_view(part, source), self.threshold)

    def _in_view(self, part: Part, points: np.ndarray) -> np.ndarray:
        """The points of the part (its reference ``points`` [N, 2]; a limb: along its bone)
        inside the frame, which decide whether it moved: a joint out of view is a guess
        whose shake would move what is seen. All of them when none is inside."""
        if part.kind == "limb":
            along = np.linspace(0.0, 1.0, 9)[:, None]
            points = points[0] + along * (points[1] - points[0])
        inside = self._inside(points)
        return points[inside] if inside.any() else points

    def _outside(self, points: np.ndarray) -> bool:
        """Whether all ``points`` [N, 2] lie outside the frame."""
        return not bool(self._inside(points).any())

    def _inside(self, points: np.ndarray) -> np.ndarray:
        """bool [N]: which ``points`` [N, 2] lie inside the frame."""
        inside: np.ndarray = (points >= 0).all(axis=1) & (points < self.size).all(axis=1)
        return inside

    def _target_box(
        self, part: Part, matrix: np.ndarray, xy: np.ndarray, conf: np.ndarray
    ) -> tuple[int, int, int, int] | None:
        """The frame region a moved part can reach: its reference box carried by ``matrix``,
        and for limbs and hands their target shape; None when it lies outside the frame."""
        x0, y0, x1, y1 = self._box_of(part)
        corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float32)
        ends = corners @ matrix[:, :2].T + matrix[:, 2]
        low, high = ends.min(axis=0), ends.max(axis=0)
        if part.kind in ("limb", "hand"):
            extent = part_extent(part, xy, conf, self.scale)
            if extent is not None:
                low, high = np.minimum(low, extent[:2]), np.maximum(high, extent[2:])
        bx0, by0 = (max(0, int(np.floor(v)) - 2) for v in low)
        bx1, by1 = (min(self.size, int(np.ceil(v)) + 3) for v in high)
        if bx1 <= bx0 or by1 <= by0:
            return None
        return bx0, by0, bx1, by1

    def _complete(
        self,
        part: Part,
        xy: np.ndarray,
        conf: np.ndarray,
        alpha: np.ndarray,
        pixels: np.ndarray,
        box: tuple[int, int, int, int],
        known: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A moved limb or hand in its target shape: the warped reference pixels where they
        exist, paint where they do not (all in the frame region ``box``): a hand's skin
        colour, for a limb the colours of its own pixels nearby (`_continue_colours`). For a
        limb, ``known`` is what the reference could give, moved like its pixels: the target
        outline beyond it is missing (out of view or hidden in the reference), the rest of
        the outline is background. Returns (alpha, pixels, missing)."""
        x0, y0, x1, y1 = box
        drawn = draw_part(part, xy, conf, (y1 - y0, x1 - x0), self.scale, origin=(x0, y0))
        shape = cv2.GaussianBlur(drawn.astype(np.float32) / 255.0, (0, 0), 1.0)
        if part.kind == "hand":  # the target hand's outline wins over the reference's fingers
            alpha = alpha * shape
        missing = np.clip(shape - (alpha if known is None else known), 0.0, 1.0)
        colour = self.skin if part.kind == "hand" else self.colours[part.name]
        if part.kind == "limb":
            reach = CONTINUE * part.width * self.scale
            colour = _continue_colours(pixels, alpha, missing, colour, reach)
        total = alpha + missing
        safe = np.maximum(total, 1e-6)[..., None]
        mixed = (alpha[..., None] * pixels + missing[..., None] * colour) / safe
        return total, mixed, missing


def _warp(image: np.ndarray, matrix: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``image`` (float32 [h, w] or [h, w, 3]) moved by ``matrix`` into a (W, H) ``shape``
    canvas; outside is 0."""
    return cv2.warpAffine(
        image, matrix.astype(np.float32), shape, flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0),
    )  # fmt: skip


def _remap(image: np.ndarray, flow: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """``image`` (float32 [h, w] or [h, w, 3]) sampled at the backward map ``flow``
    (map_x, map_y float32 [H, W]); outside the image its edge repeats."""
    out: np.ndarray = cv2.remap(image, flow[0], flow[1], cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    return out


def _soften(canvas: np.ndarray, moved: np.ndarray, sigma: float) -> None:
    """Blend ``canvas`` (float32 [S, S, 3], in place) towards its Gaussian blur where
    ``moved`` (float32 [S, S] in [0, 1]) says it was changed."""
    box = _box(moved, moved.shape[0], margin=int(3 * sigma) + 1)
    if box is None or sigma <= 0:
        return
    x0, y0, x1, y1 = box
    region = canvas[y0:y1, x0:x1]
    blurred = cv2.GaussianBlur(region, (0, 0), sigma)
    region += moved[y0:y1, x0:x1, None] * (blurred - region)


def _continue_colours(
    pixels: np.ndarray, alpha: np.ndarray, missing: np.ndarray, colour: np.ndarray, reach: float
) -> np.ndarray:
    """The paint of a limb's ``missing`` piece (float32 [h, w] in [0, 1]): at each pixel
    the mean of the limb's ``pixels`` [h, w, 3] (coverage ``alpha`` [h, w]) within about
    ``reach`` px (Gaussian-weighted), fading into ``colour`` [3] where the limb has too few
    pixels that near. [h, w, 3], or ``colour`` itself when nothing is missing."""
    x, y, width, height = cv2.boundingRect((missing > MIN_MISSING).astype(np.uint8))
    if width == 0:
        return colour
    sigma = max(1.0, reach)
    margin = int(np.ceil(3 * sigma))  # the blur's reach: beyond it the limb does not count
    x0, y0 = max(0, x - margin), max(0, y - margin)
    x1, y1 = min(alpha.shape[1], x + width + margin), min(alpha.shape[0], y + height + margin)
    near, there = alpha[y0:y1, x0:x1], pixels[y0:y1, x0:x1]
    # Two box filters as wide as the Gaussian (same variance): its cost, not its kernel's.
    side = 2 * int(round(sigma * 1.2)) + 1
    weight = cv2.blur(cv2.blur(near, (side, side)), (side, side))
    total = cv2.blur(cv2.blur(there * near[..., None], (side, side)), (side, side))
    local = total / np.maximum(weight, 1e-6)[..., None]
    trust = np.clip(weight / NEAR_SHARE, 0.0, 1.0)[..., None]
    paint = np.empty(pixels.shape, np.float32)
    paint[:] = colour
    paint[y0:y1, x0:x1] += trust * (local - colour)
    return paint


def _cover(fill: np.ndarray, alpha: np.ndarray, missing: np.ndarray | None) -> None:
    """Update a region of the fill mask (in place) for a part pasted over it with coverage
    ``alpha``, of which ``missing`` had no reference pixels: what it covers is no longer
    the generator's, what it lacks is."""
    fill *= 1.0 - alpha
    if missing is not None:
        fill += missing


def _shift(matrix: np.ndarray, source: tuple[int, int], target: tuple[int, int]) -> np.ndarray:
    """``matrix`` (frame to frame) as a map from the region at ``source`` (x, y corner) to the
    region at ``target``."""
    local = matrix.astype(np.float64).copy()
    local[:, 2] = matrix[:, :2] @ np.asarray(source, np.float64) + matrix[:, 2] - target
    return local


def _box(mask: np.ndarray, size: int, margin: int = 2) -> tuple[int, int, int, int] | None:
    """The bounding box (x0, y0, x1, y1) of ``mask`` > 0 plus ``margin``; None when empty."""
    x, y, w, h = cv2.boundingRect((mask > 1e-3).astype(np.uint8))
    if w == 0:
        return None
    return (
        max(0, x - margin), max(0, y - margin),
        min(size, x + w + margin), min(size, y + h + margin),
    )  # fmt: skip


def _union(
    a: tuple[int, int, int, int], b: tuple[int, int, int, int] | None
) -> tuple[int, int, int, int]:
    """The box holding boxes ``a`` and ``b`` (x0, y0, x1, y1)."""
    if b is None:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _grow(mask: np.ndarray, px: int = 2) -> np.ndarray:
    """A soft mask grown by ``px``: lifting a part must take its anti-aliased rim with it."""
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * px + 1, 2 * px + 1))
    return cv2.dilate(mask, kernel)


def _mean_colour(image: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """The weighted mean colour float32 [3] (mid grey when the weight is empty)."""
    total = float(weight.sum())
    if total < 1.0:
        return np.full(3, 128.0, np.float32)
    return (image.astype(np.float32) * weight[..., None]).sum(axis=(0, 1)) / total


def _part_colours(
    image: np.ndarray, masks: dict[str, np.ndarray], skin: np.ndarray
) -> dict[str, np.ndarray]:
    """Each part's mean colour; a part the reference does not show takes its neighbour's
    towards the body (a forearm its upper arm's), a hand the skin's."""
    colours: dict[str, np.ndarray] = {}
    for part in PARTS:
        weight = masks[part.name]
        if part.kind == "hand" or float(weight.sum()) < 1.0:
            inner = part.name.replace("forearm", "upper_arm")
            colours[part.name] = colours.get(inner, skin) if part.kind == "limb" else skin
        else:
            colours[part.name] = _mean_colour(image, weight)
    return colours


def _skin_colour(
    image: np.ndarray, xy: np.ndarray, conf: np.ndarray, masks: dict[str, np.ndarray]
) -> np.ndarray:
    """The signer's skin: the hands' pixels when seen, else the middle of the face."""
    hands = masks["left_hand"] + masks["right_hand"]
    if hands.sum() > 20:
        return _mean_colour(image, hands)
    head = [i for i in range(11) if conf[i] > 0]
    if len(head) >= 3:
        centre = xy[head].mean(axis=0)
        eyes = float(np.ptp(xy[head][:, 0])) / 4 or 2.0
        weight = np.zeros(image.shape[:2], np.float32)
        cv2.circle(weight, (int(centre[0]), int(centre[1] + eyes)), max(2, int(eyes)), (1.0,), -1)
        return _mean_colour(image, weight * masks["head"])
    return _mean_colour(image, masks["head"])
