"""Shortening letter holds inside fingerspelled words, on the real ASL alphabet."""

from __future__ import annotations

import numpy as np
import pytest

from signgen.gloss import GlossConfig, Lexicon, glosses_to_poses
from signgen.gloss.compose import prepare_sign
from signgen.gloss.hold import longest_still_run, shorten_hold
from signgen.gloss.lexicon import REPO_LEXICON
from signgen.gloss.motion import hand_motion

STILL_PX = 2.0  # about 0.3 shoulder widths per second at 25 fps in the default frame


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.load(REPO_LEXICON)


def test_a_recorded_letter_is_mostly_hold_and_is_cut_in_its_middle(lexicon: Lexicon) -> None:
    entry = lexicon.lookup("A", "ase")
    assert entry is not None
    letter = prepare_sign(lexicon, entry, fps=25.0, config=GlossConfig())
    start, stop = longest_still_run(letter, STILL_PX)
    assert stop - start >= 10  # the recording holds the handshape for 0.4 s or more
    assert hand_motion(letter.frames(start, stop)).max() < STILL_PX
    short = shorten_hold(letter, 4, STILL_PX)
    assert short.num_frames == letter.num_frames - (stop - start - 4)
    np.testing.assert_array_equal(short.xy[: start + 2], letter.xy[: start + 2])
    np.testing.assert_array_equal(short.xy[start + 2 :], letter.xy[stop - 2 :])
    # The cut joins two poses of the same hold: no jump.
    assert hand_motion(short)[start + 1] < 4 * STILL_PX
    assert shorten_hold(letter, stop - start, STILL_PX) is letter


def test_fingerspelled_words_run_faster_with_short_holds(lexicon: Lexicon) -> None:
    fluent = glosses_to_poses("A-N-N-A", language="ase", lexicon=lexicon)
    recorded = glosses_to_poses(
        "A-N-N-A", language="ase", lexicon=lexicon, config=GlossConfig(letter_hold_s=None)
    )
    assert fluent.num_frames < 0.8 * recorded.num_frames
    assert hand_motion(fluent).max() <= hand_motion(recorded).max() + 1.0
    # A single letter is a sign of its own: its hold is kept.
    alone = glosses_to_poses("A", language="ase", lexicon=lexicon)
    held = glosses_to_poses(
        "A", language="ase", lexicon=lexicon, config=GlossConfig(letter_hold_s=None)
    )
    assert alone.num_frames == held.num_frames
