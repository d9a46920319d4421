"""Concatenating signs into one utterance, with eased transitions and gloss spans.

The signs arrive prepared (canonical layout, one common frame and fps, rest frames trimmed).
Each pair of neighbours is cut at the closest frames within a short window
(`signgen.gloss.join.closest_join`) and bridged by a transition whose length follows the
distance the hands travel (`signgen.gloss.join.transition_length`).

Gloss spans cover every output frame, in order, without gaps: a transition inside a word (between
two fingerspelled letters) belongs to that word; a transition between two words is split, its
first half going to the word before and its second half to the word after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from signgen.errors import GlossError
from signgen.gloss.join import closest_join, transition, transition_length
from signgen.gloss.motion import fast_motion
from signgen.pose.sequence import GlossSpan, PoseSequence


@dataclass(frozen=True)
class JoinConfig:
    """How signs are joined.

    window_s: how far into each sign's end/start to look for the closest frames, seconds.
    speed: hand speed during a transition, in shoulder widths per second.
    min_transition_s, max_transition_s: transition length bounds, seconds (the upper bound
        yields to the rule that no transition step may outpace the signs themselves).
    """

    window_s: float = 0.2
    speed: float = 2.5
    min_transition_s: float = 0.08
    max_transition_s: float = 0.5


@dataclass(frozen=True)
class Word:
    """One gloss of the text and the signs that make it (one sign, or fingerspelled letters)."""

    label: str
    signs: tuple[PoseSequence, ...]


@dataclass(frozen=True)
class _Piece:
    word: int
    xy: np.ndarray  # [F, K, 2] float32
    conf: np.ndarray  # [F, K] float32


def _check_compatible(signs: Sequence[PoseSequence]) -> None:
    first = signs[0]
    for seq in signs[1:]:
        if (seq.fps, seq.width, seq.height, seq.layout.name) != (
            first.fps,
            first.width,
            first.height,
            first.layout.name,
        ):
            raise GlossError("signs to concatenate must share fps, frame size and layout")


def concatenate(words: Sequence[Word], config: JoinConfig, shoulder_width: float) -> PoseSequence:
    """One `PoseSequence` signing ``words`` in order, with a gloss span per word.

    shoulder_width: px, the signer's shoulder width in the signs' common frame (sets the
    transition speed in pixels).
    """
    flat = [(w, seq) for w, word in enumerate(words) for seq in word.signs]
    if not flat:
        raise GlossError("nothing to concatenate: no signs")
    signs = [seq for _, seq in flat]
    _check_compatible(signs)
    fps = signs[0].fps
    fast = fast_motion(signs)
    frames_per_px = fps / (config.speed * shoulder_width)
    min_frames = round(config.min_transition_s * fps)
    max_frames = max(min_frames, round(config.max_transition_s * fps))
    window = max(1, round(config.window_s * fps))

    pieces: list[_Piece] = []
    start = 0  # first kept frame of the current sign (the previous join may have cut its head)
    for k, (word, seq) in enumerate(flat):
        if k + 1 == len(flat):
            pieces.append(_Piece(word, seq.xy[start:], seq.conf[start:]))
            break
        next_word, nxt = flat[k + 1]
        rest = seq.frames(start, seq.num_frames)
        # Never let a join eat more than a third of either sign.
        i, j, distance = closest_join(
            rest, nxt, min(window, max(1, rest.num_frames // 3)), min(window, nxt.num_frames // 3)
        )
        pieces.append(_Piece(word, rest.xy[: i + 1], rest.conf[: i + 1]))
        count = transition_length(
            distance,
            frames_per_px=frames_per_px,
            min_frames=min_frames,
            max_frames=max_frames,
            peak_step=fast,
        )
        xy, conf = transition(rest.xy[i], rest.conf[i], nxt.xy[j], nxt.conf[j], count)
        half = count // 2 if next_word != word else count
        pieces.append(_Piece(word, xy[:half], conf[:half]))
        pieces.append(_Piece(next_word, xy[half:], conf[half:]))
        start = j
    return _assemble(pieces, words, signs[0])


def _assemble(pieces: list[_Piece], words: Sequence[Word], like: PoseSequence) -> PoseSequence:
    spans: list[GlossSpan] = []
    frame = 0
    for w, word in enumerate(words):
        length = sum(len(p.xy) for p in pieces if p.word == w)
        spans.append(GlossSpan(word.label, frame, frame + length))
        frame += length
    xy = np.concatenate([p.xy for p in pieces]).astype(np.float32)
    conf = np.concatenate([p.conf for p in pieces]).astype(np.float32)
    return like.replace(xy=xy, conf=conf, glosses=tuple(spans))
