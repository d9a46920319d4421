"""Gloss text -> pose sequence, from a lexicon of recorded signs (``pose_sequences/``)."""

from signgen.gloss.compose import GlossConfig, glosses_to_poses
from signgen.gloss.concat import JoinConfig
from signgen.gloss.index import LexiconEntry
from signgen.gloss.lexicon import Lexicon, default_lexicon_dir
from signgen.gloss.text import FingerspellingWarning, plan_glosses

__all__ = [
    "FingerspellingWarning",
    "GlossConfig",
    "JoinConfig",
    "Lexicon",
    "LexiconEntry",
    "default_lexicon_dir",
    "glosses_to_poses",
    "plan_glosses",
]
