"""The small family of signgen exceptions.

Every failure caused by user input is raised as a `SigngenError` subclass whose message names
the file (when there is one) and the problem; the CLI prints it as one red line and exits
non-zero.
"""

from __future__ import annotations

from pathlib import Path


class SigngenError(Exception):
    """Base class: a problem the user can act on (bad file, bad option, missing model)."""

    exit_code = 1

    def __init__(self, message: str, path: str | Path | None = None) -> None:
        self.message = message
        self.path = None if path is None else Path(path)
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)


class PoseFileError(SigngenError):
    """A pose file is unreadable, malformed or fails validation."""


class LayoutError(SigngenError):
    """An unknown skeleton layout, or points that do not match it."""


class ImageError(SigngenError):
    """A reference image is missing, unreadable or not an image."""


class VideoError(SigngenError):
    """A video cannot be read or written."""


class CheckpointError(SigngenError):
    """A model checkpoint is missing, corrupt or does not match its config."""


class LexiconError(SigngenError):
    """A lexicon entry or index is missing or corrupt."""


class GlossError(SigngenError):
    """Gloss text that cannot be turned into poses (empty, unknown language, missing letters)."""


class ManifestError(SigngenError):
    """A batch manifest row is invalid."""


class ConfigError(SigngenError):
    """An invalid option or configuration value."""


class ExtractError(SigngenError):
    """Pose extraction found no person, or its backend is unavailable."""
