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

import numpy as np

from signgen.errors import ConfigError, GlossError
from signgen.gloss import FingerspellingWarning, GlossConfig, Lexicon, glosses_to_poses
from signgen.gloss.text import check_language
from signgen.io.image import read_image
from signgen.pose.layouts import CANONICAL
from signgen.pose.sequence import PoseSequence
from signgen.render.options import RenderOptions
from signgen.render.poses import default_reference_pose, prepare_poses, reference_framing
from signgen.render.renderer import DType, Renderer
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


@dataclass(frozen=True)
class ServeConfig:
    """How the server runs.

    fps: the frame clock of every stream. max_streams: open streams at most. token: when set,
    every stream and offline render must present it. max_queue_s: seconds of poses a stream
    may have waiting. messages_per_s: a stream's message rate limit (bursts of twice that).
    max_render_frames: longest offline render.
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

    def __post_init__(self) -> None:
        if not 1.0 <= self.fps <= 60.0:
            raise ConfigError(f"fps must be between 1 and 60, got {self.fps}")
        if self.max_streams < 1:
            raise ConfigError(f"max streams must be at least 1, got {self.max_streams}")
        if self.token is not None and len(self.token) < 8:
            raise ConfigError("a token must be at least 8 characters")


class LiveService:
    """The model, the lexicon and the scheduler of a running server."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.renderer = Renderer.from_checkpoint(
            config.checkpoint, device=config.device, dtype=config.dtype, threads=config.threads
        )
        self.lexicon = Lexicon.load(config.lexicon) if config.lexicon else Lexicon.default()
        self.size = self.renderer.size
        self.rest = default_reference_pose(self.size).replace(fps=config.fps)
        self.model_lock = threading.Lock()
        self._gloss_lock = threading.Lock()  # warnings capture is process-wide state
        self.scheduler = Scheduler(self.renderer, config.fps, self.model_lock)

    def reference(self, start: Start) -> np.ndarray:
        """The stream's reference image, uint8 [S, S, 3], from a shipped name or an upload."""
        from signgen.serve.images import decode_base64_image

        if (start.reference is None) == (start.image is None):
            raise ConfigError('give exactly one of "reference" (a shipped signer) or "image"')
        if start.image is not None:
            return decode_base64_image(start.image, self.size)
        path = REFERENCES.get(start.reference or "")
        if path is None:
            raise ConfigError(
                f"unknown reference {start.reference!r} (shipped: {', '.join(REFERENCES)})"
            )
        return read_image(path, self.size)

    def new_signer(self, image: np.ndarray, start: Start) -> Signer:
        """A stream's signer at rest: the reference encoded, its fixed noise drawn."""
        language = check_language(self.lexicon, start.language)
        width, center = reference_framing(self.rest)
        options = RenderOptions(
            seed=start.seed,
            budget_ms=1000.0 / self.config.fps,
            max_extra_steps=0,  # one network evaluation per warm frame: the batch stays one call
            smoothing="none",
            fit_poses=False,
            max_gap=0,
        )
        with self.model_lock:
            clip = self.renderer.render_clip(image, self.rest, options, reference_pose=self.rest)
        rest = PoseFrame(self.rest.xy[0], self.rest.conf[0])
        max_frames = round(self.config.max_queue_s * self.config.fps)
        queue = PoseQueue(rest, self.config.fps, width, max_frames)
        return Signer(
            clip.state, queue, self.rest, start.format, start.quality, width, center, language
        )

    def gloss_poses(
        self, signer: Signer, text: str, language: str
    ) -> tuple[PoseSequence, list[str]]:
        """Gloss text -> poses in the stream's render frame, and the fingerspelling warnings."""
        config = GlossConfig(
            width=self.size,
            height=self.size,
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

    def pose_chunk(self, message: Poses) -> PoseSequence:
        """Client pose frames -> canonical poses in the render frame, fitted to the signer by
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
        return prepare_poses(poses, self.size, self.rest, options, anchor="first")

    def offline_poses(self, gloss: str, language: str) -> PoseSequence:
        """Gloss text -> poses for an offline render (fingerspelled glosses allowed)."""
        with self._gloss_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore", FingerspellingWarning)
            return glosses_to_poses(
                gloss, language=language, lexicon=self.lexicon, fps=self.config.fps
            )

    def render_video(self, image: np.ndarray, poses: PoseSequence, seed: int) -> bytes:
        """Render ``poses`` with the reference ``image`` to H.264 mp4 bytes (one clip, frame by
        frame between the live streams' ticks)."""
        limit = self.config.max_render_frames
        if poses.num_frames > limit:
            raise ConfigError(f"{poses.num_frames} frames is more than the {limit} frame limit")
        if not poses.num_frames:
            raise GlossError("nothing to render: no frames")
        with self.model_lock:
            clip = self.renderer.render_clip(image, poses, RenderOptions(seed=seed))
        state = clip.state
        with tempfile.TemporaryDirectory(prefix="signgen-serve-") as folder:
            writer = VideoWriter(Path(folder) / "render.mp4", clip.fps, self.size, self.size)
            try:
                while not state.finished:
                    with self.model_lock:
                        self.renderer.render_step([state], [lambda _, image: writer.write(image)])
            except BaseException:
                writer.abort()
                raise
            return writer.close().path.read_bytes()
