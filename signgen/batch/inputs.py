"""A clip's inputs: the reference (read and prepared once per image) and its pose sequence.

A reference is prepared for the renderer it goes to: for the real-pixel path
(`PersonRenderer`) its own pose (sidecar NAME.pose.json or MediaPipe) and person mask, found
once; for full generation its encoding. A reference that fails (no person in it, not an image)
fails every clip that uses it with the same one-line error, without being tried again.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from signgen.batch.manifest import ClipJob
from signgen.errors import SigngenError
from signgen.gloss import Lexicon, glosses_to_poses
from signgen.io import read_poses
from signgen.io.image import read_image
from signgen.model import ReferenceCache
from signgen.person.segment import person_mask
from signgen.pose.filters import resample
from signgen.pose.sequence import PoseSequence
from signgen.render import ClipStream, Renderer
from signgen.render.poses import check_poses
from signgen.render.real import PersonClip, PersonRenderer, photo_pose

# Gloss text is composed at this rate when its row sets no fps (the render command's rate).
GLOSS_FPS = 25.0


@dataclass(frozen=True, eq=False)
class Reference:
    """A reference image ready for its renderer: uint8 [S, S, 3] at the renderer's size and,
    for full generation, its encoding (``cache``); for the real-pixel path, its own pose and
    float32 [S, S] person mask."""

    image: np.ndarray
    cache: ReferenceCache | None = None
    pose: PoseSequence | None = None
    person: np.ndarray | None = None


class ClipInputs:
    """Reads clip inputs for one renderer; a reference image used by several clips is read
    and prepared once (a news day has a handful of signers and hundreds of clips)."""

    def __init__(self, renderer: Renderer | PersonRenderer) -> None:
        self.renderer = renderer
        self._references: dict[Path, Reference | SigngenError] = {}
        self._lexicon: Lexicon | None = None

    @property
    def size(self) -> int:
        """Frame size of the videos (px a side)."""
        return self.renderer.size

    def prepare(self, job: ClipJob) -> ClipStream | PersonClip:
        """The clip ready for the frame loop; raises a SigngenError naming the bad input."""
        reference = self.reference(job.reference)
        poses = self.poses(job)
        if isinstance(self.renderer, PersonRenderer):
            return self.renderer.render_clip(
                reference.image, poses, job.options, reference_pose=reference.pose,
                person=reference.person,
            )  # fmt: skip
        return self.renderer.render_clip(
            reference.image, poses, job.options, reference_cache=reference.cache
        )

    @property
    def references_encoded(self) -> int:
        """Distinct reference images read and prepared so far."""
        return len(self._references)

    def reference(self, path: Path) -> Reference:
        """The reference at ``path``, prepared once per resolved path (a failure too)."""
        key = path.resolve()
        if key not in self._references:
            try:
                self._references[key] = self._read(path)
            except SigngenError as error:
                self._references[key] = error
        found = self._references[key]
        if isinstance(found, SigngenError):
            raise found
        return found

    def _read(self, path: Path) -> Reference:
        image = read_image(path, size=self.size)
        if isinstance(self.renderer, PersonRenderer):
            return Reference(image, pose=photo_pose(image, path), person=person_mask(image))
        return Reference(image, cache=self.renderer.encode_reference(image))

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
