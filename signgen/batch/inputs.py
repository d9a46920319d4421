"""A clip's inputs: the reference (read and encoded once per image) and its pose sequence."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from signgen.batch.manifest import ClipJob
from signgen.gloss import Lexicon, glosses_to_poses
from signgen.io import read_poses
from signgen.io.image import read_image
from signgen.model import ReferenceCache
from signgen.pose.filters import resample
from signgen.pose.sequence import PoseSequence
from signgen.render import ClipStream, Renderer
from signgen.render.poses import check_poses

# Gloss text is composed at this rate when its row sets no fps (the render command's rate).
GLOSS_FPS = 25.0


class ClipInputs:
    """Reads clip inputs for one renderer; a reference image used by several clips is read
    and encoded once (a news day has a handful of signers and hundreds of clips)."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self._references: dict[Path, tuple[np.ndarray, ReferenceCache]] = {}
        self._lexicon: Lexicon | None = None

    def prepare(self, job: ClipJob) -> ClipStream:
        """The clip ready for the frame loop; raises a SigngenError naming the bad input."""
        image, cache = self.reference(job.reference)
        poses = self.poses(job)
        return self.renderer.render_clip(image, poses, job.options, reference_cache=cache)

    @property
    def references_encoded(self) -> int:
        """Distinct reference images read and encoded so far."""
        return len(self._references)

    def reference(self, path: Path) -> tuple[np.ndarray, ReferenceCache]:
        """uint8 [S, S, 3] reference and its encoding (cached per resolved path)."""
        key = path.resolve()
        if key not in self._references:
            image = read_image(path, size=self.renderer.size)
            self._references[key] = (image, self.renderer.encode_reference(image))
        return self._references[key]

    def poses(self, job: ClipJob) -> PoseSequence:
        """The row's pose file (resampled to its fps, if set) or its gloss text as poses."""
        if job.poses is not None:
            sequence = read_poses(job.poses)
            if job.fps is not None and job.fps != sequence.fps:
                sequence = resample(sequence, job.fps)
            return check_poses(sequence, job.poses)
        assert job.gloss is not None  # the manifest row guarantees one of the two
        if self._lexicon is None:
            self._lexicon = Lexicon.default()
        with warnings.catch_warnings():
            # Fingerspelled fallbacks are expected in news text; the summary lists the clip.
            warnings.simplefilter("ignore")
            return glosses_to_poses(
                job.gloss,
                language=job.language,
                lexicon=self._lexicon,
                fps=job.fps or GLOSS_FPS,
            )
