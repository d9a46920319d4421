"""The real-pixel pieces against exact answers: transforms, part shapes and masks, the
composite, the generator's blend, the pose ease-in; and the person mask on a real photo."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from signgen.person import PARTS, PersonScene, part_masks, person_mask, ramp_transform, similarity
from signgen.person.compose import Composite
from signgen.person.parts import draw_part, matched_points, shoulder_width
from signgen.person.warp import bone_transform, displacement, part_transform
from signgen.pose.layouts import (
    LEFT_ELBOW,
    LEFT_HAND,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_WRIST,
    RIGHT_ELBOW,
    RIGHT_HIP,
    RIGHT_SHOULDER,
)
from signgen.render.real import blend_fill, ease_in, fill_window, rescale
from signgen.synth import Appearance, neutral_pose, render_frame

DATA = Path(__file__).parent / "data"
REAL = DATA / "real"
PART = {p.name: p for p in PARTS}


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:, :2].T + matrix[:, 2]


def test_similarity_recovers_a_known_rotation_scale_and_shift() -> None:
    angle, scale, shift = 0.3, 1.25, np.array([7.0, -3.0])
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    source = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 5.0], [4.0, 9.0]])
    target = source @ rotation.T + shift
    matrix = similarity(source, target)
    np.testing.assert_allclose(matrix[:, :2], rotation, atol=1e-9)
    np.testing.assert_allclose(matrix[:, 2], shift, atol=1e-9)


def test_a_bone_transform_carries_both_joints_onto_their_targets() -> None:
    source = np.array([[10.0, 10.0], [10.0, 30.0]])
    target = np.array([[12.0, 10.0], [30.0, 20.0]])  # turned and a little longer
    np.testing.assert_allclose(_apply(bone_transform(source, target), source), target, atol=1e-6)


def test_the_torso_turns_and_shifts_but_keeps_its_size() -> None:
    source = np.array([[40.0, 50.0], [20.0, 50.0]])
    target = np.array([[45.0, 50.0], [15.0, 50.0]])  # shoulders 1.5x wider on screen
    matrix = part_transform("torso", source, target)
    assert np.sqrt(abs(np.linalg.det(matrix[:, :2]))) == pytest.approx(1.0)
    np.testing.assert_allclose(_apply(matrix, source).mean(axis=0), target.mean(axis=0))


def test_a_head_turned_towards_profile_keeps_its_size() -> None:
    # Eyes, ears and mouth corners of a frontal face; the turned face brings them together.
    source = np.array([[40.0, 40.0], [60.0, 40.0], [30.0, 45.0], [70.0, 45.0], [50.0, 60.0]])
    target = source.copy()
    target[:, 0] = 55.0 + 0.5 * (source[:, 0] - 50.0)  # half as wide, shifted right
    matrix = part_transform("head", source, target)
    assert np.sqrt(abs(np.linalg.det(matrix[:, :2]))) == pytest.approx(1.0)
    np.testing.assert_allclose(_apply(matrix, source).mean(axis=0), target.mean(axis=0))


def test_ramp_is_the_identity_below_the_threshold_and_full_from_twice_it() -> None:
    points = np.array([[0.0, 0.0], [10.0, 0.0]])

    def shift(dx: float) -> np.ndarray:
        return np.array([[1.0, 0.0, dx], [0.0, 1.0, 0.0]])

    for dx, weight in ((2.0, 0.0), (4.0, 0.0), (6.0, 0.5), (8.0, 1.0), (20.0, 1.0)):
        matrix, got = ramp_transform(shift(dx), points, threshold=4.0)
        assert got == pytest.approx(weight)
        assert displacement(matrix, points) == pytest.approx(weight * dx)


def test_a_limb_is_a_capsule_along_its_bone_and_a_region_of_it_draws_the_same_pixels() -> None:
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    xy[LEFT_ELBOW], xy[LEFT_WRIST] = (20, 20), (20, 44)
    conf[[LEFT_ELBOW, LEFT_WRIST]] = 1
    part = PART["left_forearm"]
    full = draw_part(part, xy, conf, 64, scale=40.0)  # 0.22 x 40 = 9 px wide
    assert full[32, 20] == 255 and full[32, 23] == 255  # on the bone, inside the half width
    assert full[32, 27] == 0 and full[5, 20] == 0  # beside it, beyond its end
    region = draw_part(part, xy, conf, (30, 20), scale=40.0, origin=(10, 16))
    np.testing.assert_array_equal(region, full[16:46, 10:30])


def test_a_hand_is_a_palm_and_fingers_and_spread_fingers_show_what_is_between() -> None:
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    hand = np.arange(LEFT_HAND.start, LEFT_HAND.stop)
    wrist, knuckle_y = np.array([48.0, 90.0]), 66.0
    points = [wrist]
    for finger, x in enumerate((28.0, 36.0, 46.0, 56.0, 64.0)):  # thumb .. pinky, fanned out
        spread = (finger - 2) * 9.0
        for joint in range(1, 5):
            points.append(np.array([x + spread * joint / 4, knuckle_y - 9.0 * joint]))
    points[1:5] = [np.array([34.0 - 5 * j, 84.0 - 6 * j]) for j in range(4)]  # the thumb
    xy[hand], conf[hand] = np.array(points, np.float32), 1.0
    shape = draw_part(PART["left_hand"], xy, conf, 112, scale=40.0)  # fingers 3 px thick
    tips = xy[hand[[8, 12, 16]]].astype(int)
    assert all(shape[y, x] == 255 for x, y in tips)
    assert shape[int(knuckle_y) + 6, 48] == 255  # the palm
    gap = ((xy[hand[8]] + xy[hand[12]]) / 2).astype(int)  # between two spread fingertips
    assert shape[gap[1], gap[0]] == 0
    conf[hand] = 0  # known only by the body's wrist and knuckles: their thickened hull
    xy[[LEFT_WRIST, LEFT_WRIST + 2, LEFT_WRIST + 4]] = (48, 90), (64, 66), (36, 66)
    conf[[LEFT_WRIST, LEFT_WRIST + 2, LEFT_WRIST + 4]] = 1
    fallback = draw_part(PART["left_hand"], xy, conf, 112, scale=40.0)
    assert fallback[74, 48] == 255 and fallback[30, 48] == 0


def test_the_shoulder_and_sleeve_beside_the_trunk_go_with_the_upper_arm() -> None:
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    points = {
        LEFT_SHOULDER: (66, 30), RIGHT_SHOULDER: (30, 30), LEFT_HIP: (58, 80),
        RIGHT_HIP: (38, 80), LEFT_ELBOW: (74, 60), RIGHT_ELBOW: (22, 60),
    }  # fmt: skip
    for index, point in points.items():
        xy[index], conf[index] = point, 1.0
    masks = part_masks(xy, conf, np.ones((96, 96), np.float32), feather=0.0)
    assert masks["left_upper_arm"][34, 78] == 1.0  # beside the shoulder, off the bone
    assert masks["right_upper_arm"][34, 18] == 1.0
    assert masks["torso"][70, 68] == 1.0  # beside the trunk far below the shoulder
    assert masks["torso"][50, 48] == 1.0


def test_matched_points_keep_only_the_hand_points_both_poses_see() -> None:
    conf_a, conf_b = np.zeros(543, np.float32), np.zeros(543, np.float32)
    xy = np.arange(543 * 2, dtype=np.float32).reshape(543, 2)
    hand = np.arange(LEFT_HAND.start, LEFT_HAND.stop)
    conf_a[hand[:15]] = 1  # a sees the first 15 points, b the last 15: 9 shared
    conf_b[hand[6:]] = 1
    matched = matched_points(PART["left_hand"], xy, conf_a, xy + 1, conf_b)
    assert matched is not None
    np.testing.assert_array_equal(matched[0], xy[hand[6:15]])
    np.testing.assert_array_equal(matched[1], xy[hand[6:15]] + 1)
    conf_b[hand[6:12]] = 0  # 3 shared: too few for the hand, and no body fallback seen
    assert matched_points(PART["left_hand"], xy, conf_a, xy, conf_b) is None


@pytest.fixture(scope="module")
def signer() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A synthetic signer at 96 px: (image, xy, conf, person mask from its part labels)."""
    look = Appearance.from_seed(3)
    pose = neutral_pose(look, 96)
    frame = render_frame(look, pose.xy[0], pose.conf[0], 96)
    return frame.image, pose.xy[0], pose.conf[0], (frame.mask > 0).astype(np.float32)


def test_part_masks_share_out_the_person_mask_exactly(signer: tuple[np.ndarray, ...]) -> None:
    image, xy, conf, person = signer
    masks = part_masks(xy, conf, person)
    assert set(masks) == {p.name for p in PARTS}
    np.testing.assert_allclose(sum(masks.values()), person, atol=1e-5)
    for mask in masks.values():
        assert mask.min() >= 0 and mask.max() <= 1 + 1e-6
    assert masks["left_forearm"].sum() > 20 and masks["head"].sum() > 50


def test_the_reference_in_its_own_pose_composes_to_itself(signer: tuple[np.ndarray, ...]) -> None:
    image, xy, conf, person = signer
    composite = PersonScene(image, xy, conf, person).compose(xy, conf)
    np.testing.assert_array_equal(composite.image, image)
    assert composite.painted.max() == 0 and composite.moved.max() == 0
    assert set(composite.weights.values()) == {0.0}


def test_a_moved_forearm_carries_its_own_pixels_to_the_target(
    signer: tuple[np.ndarray, ...],
) -> None:
    image, xy, conf, person = signer
    scene = PersonScene(image, xy, conf, person)
    target = xy.copy()
    offset = np.array([-9.0, -6.0], np.float32)  # the left forearm and hand lifted up and in
    moved = [
        LEFT_WRIST,
        LEFT_WRIST + 2,
        LEFT_WRIST + 4,
        LEFT_WRIST + 6,
        *range(*LEFT_HAND.indices(543)),
    ]
    target[moved] += offset
    target[LEFT_ELBOW] += offset
    composite = scene.compose(target, conf)
    assert composite.weights["left_forearm"] == 1.0
    assert composite.weights["right_forearm"] == 0.0 and composite.weights["head"] == 0.0
    # Where the forearm was fully inside its mask, its pixel now sits one offset away.
    inner = scene.masks["left_forearm"] > 0.999
    ys, xs = np.nonzero(inner)
    ty, tx = ys + int(offset[1]), xs + int(offset[0])
    keep = (composite.moved[ty, tx] > 0.999) & (composite.painted[ty, tx] < 1e-3)
    assert keep.sum() > 10
    diff = np.abs(composite.image[ty[keep], tx[keep]].astype(int) - image[ys[keep], xs[keep]])
    assert diff.max() <= 8 and diff.mean() <= 2  # moved pixels are softened a little
    # Far from the arm nothing changed.
    assert (composite.image[:, :20] == image[:, :20]).all()


def test_a_moved_head_carries_the_face_sharp_and_stretches_its_surroundings(
    signer: tuple[np.ndarray, ...],
) -> None:
    image, xy, conf, person = signer
    scene = PersonScene(image, xy, conf, person)
    target = xy.copy()
    step = 12  # whole pixels (exact pixels expected), farther than the head's own width half
    target[list(range(11))] += np.array([step, 0.0], np.float32)
    composite = scene.compose(target, conf)
    assert composite.weights["head"] == 1.0 and composite.weights["torso"] == 0.0
    # The whole face follows the head exactly: the same pixels, not blurred or repainted.
    face = scene.masks["head"] > 0.999
    ys, xs = np.nonzero(face[:, :-step])
    assert len(ys) > 30
    moved_face = composite.image[ys, xs + step].astype(int)
    assert np.abs(moved_face - image[ys, xs]).max() <= 1
    # What the head left behind is not a ghost of it: its surroundings stretch in.
    left = face.copy()
    left[:, step:] &= ~face[:, :-step]
    assert left.sum() > 10
    assert np.abs(composite.image[left].astype(int) - image[left]).mean() > 20
    # No hole opens behind the head: nothing is painted for the generator.
    assert composite.painted.max() == 0.0
    # Far from the person the backdrop is untouched.
    far = cv2.GaussianBlur(person, (0, 0), 8) < 1e-4
    assert far.sum() > 100
    assert (composite.image[far] == image[far]).all()


def _left_forearm_and_hand() -> list[int]:
    return [
        LEFT_WRIST,
        LEFT_WRIST + 2,
        LEFT_WRIST + 4,
        LEFT_WRIST + 6,
        *range(*LEFT_HAND.indices(543)),
    ]


def test_a_moved_limb_thinner_than_its_outline_paints_nothing_beside_it(
    signer: tuple[np.ndarray, ...],
) -> None:
    image, xy, conf, person = signer
    # A thin forearm: the outer band of its outline is backdrop in the reference.
    forearm = next(p for p in PARTS if p.name == "left_forearm")
    outline = draw_part(forearm, xy, conf, 96, shoulder_width(xy, conf)) > 0
    bone = np.zeros((96, 96), np.uint8)
    cv2.line(bone, _point(xy[LEFT_ELBOW]), _point(xy[LEFT_WRIST]), (255,), 3)
    hand = part_masks(xy, conf, person)["left_hand"] > 0.01
    band = outline & (bone == 0) & (cv2.dilate(hand.astype(np.uint8), np.ones((5, 5))) == 0)
    assert band.sum() > 100
    thin, thin_person = image.copy(), person.copy()
    thin[band], thin_person[band] = image[2, 2], 0.0
    scene = PersonScene(thin, xy, conf, thin_person)
    target = xy.copy()
    offset = np.array([-9.0, -6.0], np.float32)
    target[[LEFT_ELBOW, *_left_forearm_and_hand()]] += offset
    composite = scene.compose(target, conf)
    assert composite.weights["left_forearm"] == 1.0
    # Where the band went, no arm is painted: it was backdrop.
    ys, xs = np.nonzero(band)
    landed = composite.painted[ys + int(offset[1]), xs + int(offset[0])]
    assert (landed > 0.5).mean() < 0.3


def test_a_limbs_missing_piece_continues_the_limb_next_to_it_and_is_not_the_generators(
    signer: tuple[np.ndarray, ...],
) -> None:
    image, xy, conf, person = signer
    masks = part_masks(xy, conf, person)
    forearm = masks["left_forearm"] > 0.5
    # The forearm is red by the elbow and blue by the wrist: its mean is neither.
    along = _along_bone(xy[LEFT_ELBOW], xy[LEFT_WRIST], 96)
    striped = image.copy()
    striped[forearm & (along < 0.5)] = (200, 30, 30)
    striped[forearm & (along >= 0.5)] = (30, 30, 200)
    scene = PersonScene(striped, xy, conf, person)
    # The wrist moves out and down while the hand stays: the piece of the forearm the hand
    # hid in the photo comes into view with no pixels of its own.
    target = xy.copy()
    target[LEFT_WRIST] += np.array([6.0, 4.0], np.float32)
    composite = scene.compose(target, conf)
    assert composite.weights["left_forearm"] == 1.0 and composite.weights["left_hand"] == 0.0
    piece = (composite.painted > 0.9) & (masks["left_hand"] < 0.01)
    assert piece.sum() >= 5
    colours = composite.image[piece].astype(int)
    # Blue like the wrist end beside it (the mean colour of the whole forearm is red-purple).
    assert (colours[:, 2] - colours[:, 0]).mean() > 25
    assert composite.fill[piece].max() == 0.0  # paint, not the generator's share


def _along_bone(start: np.ndarray, end: np.ndarray, size: int) -> np.ndarray:
    """float [S, S]: each pixel's position along the bone start -> end (0 at start, 1 at end)."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    bone = end - start
    return ((xs - start[0]) * bone[0] + (ys - start[1]) * bone[1]) / float(bone @ bone)


def test_a_joint_out_of_view_does_not_move_what_is_seen(
    signer: tuple[np.ndarray, ...],
) -> None:
    image, xy, conf, person = signer
    reference = xy.copy()
    reference[LEFT_ELBOW] += np.array([0.0, 77.0], np.float32)  # far below the 96 px frame
    reference[_left_forearm_and_hand()] += np.array([0.0, 107.0], np.float32)
    scene = PersonScene(image, reference, conf, person)
    target = reference.copy()
    shake = np.array([2.5, 0.0], np.float32)  # the guessed joints wander
    target[[LEFT_ELBOW, *_left_forearm_and_hand()]] += shake
    composite = scene.compose(target, conf)
    assert composite.weights["left_upper_arm"] == 0.0
    np.testing.assert_array_equal(composite.image, image)
    assert composite.painted.max() == 0.0


def _point(xy: np.ndarray) -> tuple[int, int]:
    return int(round(float(xy[0]))), int(round(float(xy[1])))


def test_the_scene_refuses_a_reference_without_a_person(signer: tuple[np.ndarray, ...]) -> None:
    from signgen.errors import ImageError

    image, xy, conf, _ = signer
    with pytest.raises(ImageError, match="no person"):
        PersonScene(image, xy, conf, np.zeros(image.shape[:2], np.float32))


def _composite(image: np.ndarray, fill: np.ndarray) -> Composite:
    return Composite(image, fill, fill, fill, {})


def test_blend_fill_leaves_a_composite_without_fill_untouched() -> None:
    image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    composite = _composite(image, np.zeros((32, 32), np.float32))
    assert blend_fill(composite, np.zeros((16, 16, 3), np.uint8)) is image


def test_blend_fill_brings_the_generated_detail_in_the_signers_colours() -> None:
    image = np.zeros((32, 32, 3), np.uint8)
    image[8:16, 8:16] = (200, 150, 120)  # the composite's flat part colour
    fill = np.zeros((32, 32), np.float32)
    fill[8:16, 8:16] = 1.0
    flat = np.full((16, 16, 3), 60, np.uint8)  # one generated pixel = 2 x 2 output pixels
    out = blend_fill(_composite(image, fill), flat)
    np.testing.assert_array_equal(out, image)  # no detail: the signer's colour, unchanged
    generated = flat.copy()
    generated[:, :6] = 80  # brighter left: output columns 8-10 see 80, 13-15 see 60
    out = blend_fill(_composite(image, fill), generated)
    np.testing.assert_array_equal(out[:8], image[:8])  # outside the fill: the composite
    # The generated mean there is 70 (bilinear: 80 80 80 75 65 60 60 60): shifted onto 200.
    np.testing.assert_array_equal(out[8:16, 8:11], np.full((8, 3, 3), (210, 160, 130)))
    np.testing.assert_array_equal(out[8:16, 13:16], np.full((8, 3, 3), (190, 140, 110)))


def test_blend_fill_keeps_the_paint_where_the_generated_frame_shows_something_else() -> None:
    image = np.zeros((32, 32, 3), np.uint8)
    image[8:16, 8:16] = (200, 150, 120)  # a painted hand
    fill = np.zeros((32, 32), np.float32)
    fill[8:16, 8:16] = 1.0
    generated = np.zeros((16, 16, 3), np.uint8)
    generated[:] = (205, 150, 125)  # the generated hand, skin coloured
    generated[:, 7:] = (20, 200, 40)  # and by its right edge the backdrop shows
    out = blend_fill(_composite(image, fill), generated).astype(int)
    hand, backdrop = out[8:16, 8:12], out[8:16, 15:16]
    assert np.abs(hand - (200, 150, 120)).max() <= 40  # near the paint: the network's pixel
    np.testing.assert_array_equal(backdrop, np.full((8, 1, 3), (200, 150, 120)))  # the paint


def test_fill_window_is_the_latent_cells_under_the_fill_one_cell_wider() -> None:
    fill = np.zeros((32, 32), np.float32)
    assert fill_window(fill, 16) is None  # nothing to fill: nothing to decode
    fill[8:16, 9:16] = 1.0  # 2 px per cell: cells 4..7 down, 4..7 across
    assert fill_window(fill, 16) == (3, 3, 9, 9)
    fill[:] = 0.0
    fill[0:2, 30:32] = 0.5  # in a corner: clipped to the latent
    assert fill_window(fill, 16) == (14, 0, 16, 2)


def test_ease_in_starts_on_the_reference_pose_and_ends_on_the_sequence() -> None:
    look = Appearance.from_seed(1)
    rest = neutral_pose(look, 64)
    frames = 30
    xy = np.repeat(rest.xy + np.float32(5.0), frames, axis=0)
    sequence = rest.replace(xy=xy, conf=np.repeat(rest.conf, frames, axis=0), fps=20.0)
    eased = ease_in(sequence, rest, seconds=0.5)  # 10 frames
    seen = rest.conf[0] > 0
    np.testing.assert_allclose(eased.xy[0][seen], rest.xy[0][seen], atol=1e-5)
    np.testing.assert_allclose(eased.xy[5][seen], rest.xy[0][seen] + 2.5, atol=1e-4)
    np.testing.assert_array_equal(eased.xy[10:], sequence.xy[10:])
    assert rescale(eased, 32).xy[0][seen] == pytest.approx(eased.xy[0][seen] / 2)


def test_the_person_mask_of_a_real_photo_covers_the_signer_not_the_backdrop() -> None:
    from signgen.io.image import read_image

    photo = read_image(REAL / "maayan_00.png", size=128)
    mask = person_mask(photo)
    assert mask.shape == (128, 128) and mask.dtype == np.float32
    assert mask[64, 64] > 0.9  # the chest
    assert mask[:, :12].max() < 0.1 and mask[:, -12:].max() < 0.1  # green screen either side
    assert 0.2 < float(mask.mean()) < 0.6
    blank = np.full((128, 128, 3), (40, 120, 200), np.uint8)
    assert float(person_mask(blank).mean()) < 0.02


def test_shoulder_width_needs_both_shoulders() -> None:
    xy = np.zeros((543, 2), np.float32)
    conf = np.zeros(543, np.float32)
    xy[LEFT_SHOULDER], xy[RIGHT_SHOULDER] = (30, 20), (10, 20)
    conf[LEFT_SHOULDER] = 1
    assert shoulder_width(xy, conf) == 0.0
    conf[RIGHT_SHOULDER] = 1
    assert shoulder_width(xy, conf) == 20.0
