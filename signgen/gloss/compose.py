"""`glosses_to_poses`: gloss text -> one canonical `PoseSequence` with gloss spans.

Per sign: read it from the lexicon (canonical layout), fill short tracking gaps, fit it into the
common frame by shoulder width and centre (recordings differ in framing and resolution),
resample to the target fps and trim its rest frames. Then join the signs
(`signgen.gloss.concat`) and smooth the result (body and hands; the face is left as recorded).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from signgen.errors import ConfigError, GlossError, LexiconError, SigngenError
from signgen.gloss.concat import JoinConfig, Word, concatenate
from signgen.gloss.hold import shorten_hold
from signgen.gloss.index import LexiconEntry
from signgen.gloss.lexicon import Lexicon
from signgen.gloss.rest import trim_rest
from signgen.gloss.text import FingerspellingWarning, plan_glosses
from signgen.pose.filters import SmoothMethod, fill_gaps, resample, smooth
from signgen.pose.normalize import CENTER_FRACTION, SHOULDER_FRACTION, fit_to_frame
from signgen.pose.sequence import PoseSequence

# Savitzky-Golay window, frames: the pose layer's measured default (halves jitter, keeps motion).
# Bounds that keep a composition within about a gigabyte of memory (measured: ~140 KB of peak
# memory per output frame while joining): a long news sentence has 20-40 glosses, ~60 frames each.
MAX_GLOSSES = 100
MAX_FRAMES = 9_000  # 6 minutes at 25 fps
MAX_FPS = 240.0
SMOOTH_WINDOW = 5


@dataclass(frozen=True)
class GlossConfig:
    """The common frame every sign is fitted into, and how signs are joined and smoothed.

    width, height: output frame, px. shoulder_width: px between the shoulders in that frame;
    shoulder_center: (x, y) px of the shoulders' midpoint. smoothing: a
    `signgen.pose.filters.smooth` method, or None for none.
    letter_hold_s: inside a fingerspelled word, each letter's hold is cut to this many
    seconds (None: keep the recorded holds, ~0.6 s per letter in the seed lexicon); a hand
    moving slower than ``still_speed`` shoulder widths per second counts as holding.
    """

    width: int = 512
    height: int = 512
    # The pose layer's default framing (`signgen.pose.normalize.fit_to_size`) for 512 x 512.
    shoulder_width: float = SHOULDER_FRACTION * 512
    shoulder_center: tuple[float, float] = (CENTER_FRACTION[0] * 512, CENTER_FRACTION[1] * 512)
    join: JoinConfig = field(default_factory=JoinConfig)
    smoothing: SmoothMethod | None = "savgol"
    letter_hold_s: float | None = 0.24
    still_speed: float = 0.3


def prepare_sign(
    lexicon: Lexicon, entry: LexiconEntry, *, fps: float, config: GlossConfig
) -> PoseSequence:
    """One lexicon sign, ready to join: canonical, common frame, ``fps``, rest frames trimmed."""
    seq = lexicon.read(entry)
    try:
        seq = fill_gaps(seq)
        seq = fit_to_frame(
            seq,
            config.width,
            config.height,
            shoulder_width=config.shoulder_width,
            center=config.shoulder_center,
        )
        seq = resample(seq, fps)
        if config.smoothing is not None:
            # Smoothed before trimming: the rest frames give the filter context at the sign's
            # ends, where the hands move fastest.
            seq = smooth(seq, method=config.smoothing, window=SMOOTH_WINDOW)
    except SigngenError as error:
        raise LexiconError(
            f"lexicon entry {entry.gloss!r} cannot be used: {error.message}",
            path=lexicon.root / entry.file,
        ) from None
    return trim_rest(seq)


def glosses_to_poses(
    text: str,
    *,
    language: str,
    lexicon: Lexicon,
    fps: float = 25.0,
    config: GlossConfig | None = None,
) -> PoseSequence:
    """Sign ``text`` (glosses separated by spaces) in ``language`` from ``lexicon``.

    Returns a canonical (holistic 543) sequence at ``fps`` in a ``config.width`` x
    ``config.height`` frame, with one gloss span per gloss of the text covering every frame in
    order. A gloss missing from the lexicon is fingerspelled and reported by a
    `FingerspellingWarning`. Raises `GlossError` (empty text, unknown language, letters the
    lexicon lacks), `LexiconError` (a broken lexicon entry) or `ConfigError` (bad fps).
    """
    config = config or GlossConfig()
    if not 0 < fps <= MAX_FPS:
        raise ConfigError(f"fps must be positive and at most {MAX_FPS:g}, got {fps:g}")
    if len(text.split()) > MAX_GLOSSES:
        raise GlossError(
            f"the text has {len(text.split())} glosses; at most {MAX_GLOSSES} are signed at once "
            "(split it into sentences)"
        )
    planned = plan_glosses(text, language=language, lexicon=lexicon)
    prepared: dict[LexiconEntry, PoseSequence] = {}
    words: list[Word] = []
    for word in planned:
        if word.guessed:
            warnings.warn(
                f"gloss {word.text!r} is not in the lexicon: fingerspelled as {word.label}",
                FingerspellingWarning,
                stacklevel=2,
            )
        for entry in word.entries:
            if entry not in prepared:
                prepared[entry] = prepare_sign(lexicon, entry, fps=fps, config=config)
        signs = tuple(prepared[e] for e in word.entries)
        if word.fingerspelled and len(signs) > 1 and config.letter_hold_s is not None:
            max_frames = max(1, round(config.letter_hold_s * fps))
            still_px = config.still_speed * config.shoulder_width / fps
            signs = tuple(shorten_hold(sign, max_frames, still_px) for sign in signs)
        words.append(Word(word.label, signs))
    frames = sum(sign.num_frames for w in words for sign in w.signs)
    if frames > MAX_FRAMES:
        raise GlossError(
            f"the text would make {frames} frames at {fps:g} fps; at most {MAX_FRAMES} are "
            "composed at once (split it into sentences, or lower --fps)"
        )
    seq = concatenate(words, config.join, config.shoulder_width)
    if config.smoothing is not None:
        seq = smooth_joins(seq, config.smoothing)
    return seq


def smooth_joins(seq: PoseSequence, method: SmoothMethod) -> PoseSequence:
    """Smooth the joined sequence (rounding the corners where transitions meet the signs).

    The first and last `SMOOTH_WINDOW` // 2 frames keep their values: the filter has no context
    there and would extrapolate (measured on ESSEN's fast opening: +6% hand speed), and the
    signs were already smoothed with their rest frames as context (`prepare_sign`).
    """
    smoothed = smooth(seq, method=method, window=SMOOTH_WINDOW)
    edge = min(SMOOTH_WINDOW // 2, seq.num_frames)
    xy = smoothed.xy.copy()
    xy[:edge], xy[seq.num_frames - edge :] = seq.xy[:edge], seq.xy[seq.num_frames - edge :]
    return seq.replace(xy=xy)
