"""glosses_to_poses on the real lexicon: spans, smooth joins, common frame, fingerspelling."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from signgen.errors import ConfigError
from signgen.gloss import FingerspellingWarning, GlossConfig, Lexicon, glosses_to_poses
from signgen.gloss.compose import prepare_sign
from signgen.gloss.lexicon import REPO_LEXICON
from signgen.gloss.motion import hand_motion
from signgen.gloss.text import plan_glosses
from signgen.pose.layouts import HOLISTIC, LEFT_SHOULDER, RIGHT_SHOULDER
from signgen.pose.sequence import PoseSequence


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REPO_LEXICON)


def _inner_peak(text: str, language: str, lexicon: Lexicon, fps: float) -> float:
    """The largest frame-to-frame hand motion inside the signs of ``text`` (prepared alone)."""
    entries = {e for w in plan_glosses(text, language=language, lexicon=lexicon) for e in w.entries}
    config = GlossConfig()
    signs = [prepare_sign(lexicon, e, fps=fps, config=config) for e in entries]
    return max(float(hand_motion(sign).max(initial=0.0)) for sign in signs)


def _assert_spans_cover(seq: PoseSequence, labels: list[str]) -> None:
    assert [g.gloss for g in seq.glosses] == labels
    assert seq.glosses[0].start == 0 and seq.glosses[-1].end == seq.num_frames
    for before, after in zip(seq.glosses, seq.glosses[1:], strict=False):
        assert before.end == after.start
    assert all(g.end > g.start for g in seq.glosses)


@pytest.mark.parametrize(
    ("text", "language", "labels"),
    [
        ("ESSEN PIZZA", "sgg", ["ESSEN", "PIZZA"]),
        ("HELLO", "ase", ["H-E-L-L-O"]),
        ("kleine kinder essen pizza", "sgg", ["KLEINE", "KINDER", "ESSEN", "PIZZA"]),
    ],
)
def test_joins_are_never_faster_than_the_signs(
    lexicon: Lexicon, text: str, language: str, labels: list[str]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FingerspellingWarning)
        seq = glosses_to_poses(text, language=language, lexicon=lexicon, fps=25.0)
    _assert_spans_cover(seq, labels)
    assert seq.layout.name == HOLISTIC.name and seq.fps == 25.0
    assert np.isfinite(seq.xy).all()
    assert hand_motion(seq).max() <= _inner_peak(text, language, lexicon, 25.0)


def test_an_unknown_gloss_warns_naming_it(lexicon: Lexicon) -> None:
    recorded = GlossConfig(letter_hold_s=None)
    with pytest.warns(FingerspellingWarning, match="'Hello' is not in the lexicon"):
        seq = glosses_to_poses("Hello", language="ase", lexicon=lexicon, config=recorded)
    letters = 0
    for ch in "HELLO":
        entry = lexicon.lookup(ch, "ase")
        assert entry is not None
        letters += prepare_sign(lexicon, entry, fps=25.0, config=recorded).num_frames
    # Joins cut a little of each letter and add transitions: the length stays close.
    assert 0.7 * letters < seq.num_frames < 1.3 * letters


def test_deliberate_fingerspelling_does_not_warn(lexicon: Lexicon) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FingerspellingWarning)
        seq = glosses_to_poses("A-N-N-A", language="ase", lexicon=lexicon)
    assert [g.gloss for g in seq.glosses] == ["A-N-N-A"]


def test_every_sign_is_fitted_to_the_common_frame(lexicon: Lexicon) -> None:
    config = GlossConfig(width=256, height=320, shoulder_width=80.0, shoulder_center=(128, 150))
    seq = glosses_to_poses("PIZZA ESSEN", language="sgg", lexicon=lexicon, fps=30.0, config=config)
    assert (seq.width, seq.height, seq.fps) == (256, 320, 30.0)
    left, right = seq.xy[:, LEFT_SHOULDER], seq.xy[:, RIGHT_SHOULDER]
    width = np.median(np.linalg.norm(left - right, axis=-1))
    center = np.median((left + right) / 2, axis=0)
    assert width == pytest.approx(80.0, rel=0.1)
    np.testing.assert_allclose(center, (128, 150), atol=8.0)


def test_fps_must_be_positive(lexicon: Lexicon) -> None:
    with pytest.raises(ConfigError, match="fps must be positive"):
        glosses_to_poses("ESSEN", language="sgg", lexicon=lexicon, fps=0.0)
