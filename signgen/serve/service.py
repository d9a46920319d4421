"""`LiveService`: the one loaded model and what the endpoints do with it.

One `Renderer` serves every stream and every offline render; a lock lets one network call run
at a time (the scheduler's batched step, or one frame of an offline clip), so an offline
render interleaves with the live streams frame by frame instead of stalling them.
"""

from __future__ import annotations

import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from signgen.errors import ConfigError, GlossError
from signgen.gloss import FingerspellingWarning, GlossConfig, Lexicon, glosses_to_poses
from signgen.gloss.text import check_language
from signgen.io.image import read_image
from signgen.person.segment import person_mask
from signgen.pose.layouts import CANONICAL
from signgen.pose.sequence import PoseSequence
from signgen.render.options import RenderOptions
from signgen.render.poses import default_reference_pose, prepare_poses, reference_framing
from signgen.render.real import (
    SMOOTHING,
    PersonClip,
    PersonRenderer,
    person_scene,
    photo_pose,
    rescale,
)
from signgen.render.recipe import load_recipe
from signgen.render.renderer import Clip, DType, Renderer
from signgen.serve.live import Signer
from signgen.serve.protocol import Poses, Start
from signgen.serve.queue import PoseFrame, PoseQueue
from signgen.serve.scheduler import Scheduler
from signgen.video import VideoWriter

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CHECKPOINT = REPO / "checkpoints" / "rpfm-128"
REFERENCES = {
    "synthetic": REPO / "examples" / "reference.png",
    "signer": REPO / "examples" / "signer.png",
}
"""The shipped reference signers a client may pick by name."""
SYNTHETIC = frozenset({"synthetic"})
"""Shipped signers of the synthetic world the model was trained on: drawn whole by the model.
Every other reference (the shipped photo, an upload) is a photo: its own pixels are moved."""


@dataclass(frozen=True)
class ServeConfig:
    """How the server runs.

    fps: the frame clock of every stream. max_streams: open streams at most. token: when set,
    every stream and offline render must present it. max_queue_s: seconds of poses a stream
    may have waiting. messages_per_s: a stream's message rate limit (bursts of twice that).
    max_render_frames: longest offline render. sampler: a sampling recipe (JSON) instead of
    the checkpoint's own sampler.json.
    """

    checkpoint: Path = DEFAULT_CHECKPOINT
    device: str = "auto"
    dtype: DType = "auto"
    threads: int | None = None
    fps: float = 25.0
    max_streams: int = 8
    token: str | None = None
    max_queue_s: float = 60.0
    messages_per_s: float = 20.0
    max_render_frames: int = 750
    lexicon: Path | None = None
    sampler: Path | None = None

    def __post_init__(self) -> None:
        if not 1.0 <= self.fps <= 60.0:
            raise ConfigError(f"fps must be between 1 and 60, got {self.fps}")
        if self.max_streams < 1:
            raise ConfigError(f"max streams must be at least 1, got {self.max_streams}")
        if self.token is not None and len(self.token) < 8:
            raise ConfigError("a token must be at least 8 characters")


class LiveService:
    """The model, the sampling recipe, the lexicon and the scheduler of a running server."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.recipe = load_recipe(config.checkpoint, config.sampler)
        self.renderer = Renderer.from_checkpoint(
            config.checkpoint, device=config.device, dtype=config.dtype, threads=config.threads
        )
        self.lexicon = Lexicon.load(config.lexicon) if config.lexicon else Lexicon.default()
        self.size = self.renderer.size
        self.model_lock = threading.Lock()
        self._gloss_lock = threading.Lock()  # warnings capture is process-wide state
        self.scheduler = Scheduler(self.renderer, config.fps, self.model_lock)

    def reference(self, start: Start) -> np.ndarray:
        """The stream's reference image, uint8 [S, S, 3] at the stream's frame size, from a
        shipped name or an upload."""
        from signgen.serve.images import decode_base64_image

        if (start.reference is None) == (start.image is None):
            raise ConfigError('give exactly one of "reference" (a shipped signer) or "image"')
        size = self.frame_size(start.reference, start.full_generation, start.size)
        if start.image is not None:
            return decode_base64_image(start.image, size)
        return read_image(shipped_reference(start.reference or ""), size)

    def frame_size(self, reference: str | None, full_generation: bool, size: int) -> int:
        """The frames' size: ``size`` for a photo (`is_photo`), the network's own size for
        a signer it draws whole."""
        return size if is_photo(reference, full_generation) else self.size

    def new_signer(self, image: np.ndarray, start: Start) -> Signer:
        """A stream's signer at rest, in its own pose: the reference prepared (a photo's own
        pose and parts found; ImageError when it shows no person) and encoded, its fixed
        noise drawn."""
        language = check_language(self.lexicon, start.language)
        photo = is_photo(start.reference, start.full_generation)
        rest = self._rest_pose(image, photo).replace(fps=self.config.fps)
        scene = person_scene(image, rest) if photo else None
        width, center = reference_framing(rest)
        options = self.recipe.options(
            seed=start.seed,
            budget_ms=1000.0 / self.config.fps,
            max_extra_steps=0,  # one network evaluation per warm frame: the batch stays one call
            smoothing="none",
            fit_poses=False,
            max_gap=0,
        )
        small = rescale(rest, self.size)
        with self.model_lock:
            clip = self.renderer.render_clip(
                self._network_image(image), small, options, reference_pose=small
            )
        still = PoseFrame(rest.xy[0], rest.conf[0])
        max_frames = round(self.config.max_queue_s * self.config.fps)
        queue = PoseQueue(still, self.config.fps, width, max_frames)
        return Signer(
            clip.state, queue, rest, self.size, scene, start.format, start.quality, width,
            center, language,
        )  # fmt: skip

    def _rest_pose(self, image: np.ndarray, photo: bool) -> PoseSequence:
        """The signer's own pose in ``image``'s frame: a photo's found by MediaPipe, the
        synthetic signer's rest pose otherwise."""
        size = image.shape[0]
        return photo_pose(image) if photo else default_reference_pose(size)

    def _network_image(self, image: np.ndarray) -> np.ndarray:
        """``image`` (a photo at its stream's size) at the network's size."""
        if image.shape[0] == self.size:
            return image
        return cv2.resize(image, (self.size, self.size), interpolation=cv2.INTER_AREA)

    def gloss_poses(
        self, signer: Signer, text: str, language: str
    ) -> tuple[PoseSequence, list[str]]:
        """Gloss text -> poses in the stream's render frame, and the fingerspelling warnings."""
        config = GlossConfig(
            width=signer.size,
            height=signer.size,
            shoulder_width=signer.shoulder_width,
            shoulder_center=signer.shoulder_center,
        )
        with self._gloss_lock, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FingerspellingWarning)
            poses = glosses_to_poses(
                text, language=language, lexicon=self.lexicon, fps=self.config.fps, config=config
            )
        notes = [str(w.message) for w in caught if issubclass(w.category, FingerspellingWarning)]
        return poses, notes

    def pose_chunk(self, signer: Signer, message: Poses) -> PoseSequence:
        """Client pose frames -> canonical poses in the stream's frame, fitted to the signer by
        the chunk's first frame that shows both shoulders."""
        points = np.asarray(message.frames, dtype=np.float32)  # [T, 543, 3]
        poses = PoseSequence(
            np.ascontiguousarray(points[..., :2]),
            np.clip(np.nan_to_num(points[..., 2]), 0.0, 1.0),
            self.config.fps,
            message.width,
            message.height,
            CANONICAL,
        )
        options = RenderOptions(smoothing="none")
        return prepare_poses(poses, signer.size, signer.like, options, anchor="first")

    def offline_poses(self, gloss: str, language: str) -> PoseSequence:
        """Gloss text -> poses for an offline render (fingerspelled glosses allowed)."""
        with self._gloss_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore", FingerspellingWarning)
            return glosses_to_poses(
                gloss, language=language, lexicon=self.lexicon, fps=self.config.fps
            )

    def render_video(self, image: np.ndarray, poses: PoseSequence, seed: int, photo: bool) -> bytes:
        """Render ``poses`` with the reference ``image`` (uint8 [S, S, 3], S the video's size:
        `frame_size`) to H.264 mp4 bytes, one clip frame by frame between the live streams'
        ticks. A ``photo`` goes through the real-pixel path (ImageError when it shows no
        person)."""
        limit = self.config.max_render_frames
        if poses.num_frames > limit:
            raise ConfigError(f"{poses.num_frames} frames is more than the {limit} frame limit")
        if not poses.num_frames:
            raise GlossError("nothing to render: no frames")
        size = image.shape[0]
        clip: Clip
        if photo:
            options = self.recipe.options(seed=seed, smoothing=SMOOTHING)
            renderer = PersonRenderer(self.renderer, size)
            own, person = photo_pose(image), person_mask(image)
            with self.model_lock:
                clip = renderer.render_clip(
                    image, poses, options, reference_pose=own, person=person
                )
            network = clip.network
        else:
            options = self.recipe.options(seed=seed)
            with self.model_lock:
                clip = self.renderer.render_clip(image, poses, options)
            network = clip
        with tempfile.TemporaryDirectory(prefix="signgen-serve-") as folder:
            writer = VideoWriter(Path(folder) / "render.mp4", clip.fps, size, size)
            try:
                while not network.state.finished:
                    with self.model_lock:
                        (drawn,) = self.renderer.render_step([network.state], [None])
                    if isinstance(clip, PersonClip):
                        clip.finish(drawn, lambda _, image: writer.write(image))
                    else:
                        writer.write(drawn.image)
            except BaseException:
                writer.abort()
                raise
            return writer.close().path.read_bytes()


def is_photo(reference: str | None, full_generation: bool) -> bool:
    """Whether a reference (a shipped name, or None for an upload) goes through the real-pixel
    path."""
    return not full_generation and reference not in SYNTHETIC


def shipped_reference(name: str) -> Path:
    """The image of a shipped reference signer; ConfigError for an unknown name."""
    path = REFERENCES.get(name)
    if path is None:
        raise ConfigError(f"unknown reference {name!r} (shipped: {', '.join(REFERENCES)})")
    return path
