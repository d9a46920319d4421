"""The Python entry point: one call from a photo and a pose file (or gloss text) to an mp4.

    import signgen
    result = signgen.render_video("signer.png", "poses.pose", "out.mp4")
    print(result.report.summary())

It does what `signgen render` does with its defaults: the photo's own pixels moved to the
poses (the real-pixel path; ``full_generation=True`` draws the whole frame with the model),
the sampling recipe saved with the checkpoint, the reference's pose from its sidecar
NAME.pose.json or else found by MediaPipe.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from signgen.errors import ConfigError

if TYPE_CHECKING:  # torch loads only when a video is rendered
    from signgen.render import RenderResult

SHIPPED = Path(__file__).resolve().parents[1] / "checkpoints" / "rpfm-128"


def render_video(
    reference: str | Path,
    poses: str | Path | None,
    out: str | Path,
    *,
    gloss: str | None = None,
    language: str = "sgg",
    size: int = 256,
    checkpoint: str | Path = SHIPPED,
    full_generation: bool = False,
    seed: int = 0,
) -> RenderResult:
    """Render ``reference`` (an image file) performing ``poses`` (any pose file signgen
    reads) or ``gloss`` text (looked up in the shipped lexicon for ``language``) into the
    H.264 mp4 ``out``; returns the `RenderResult` (frames' latency report included)."""
    from signgen.io import read_poses
    from signgen.io.image import read_image
    from signgen.render import Renderer, render_to_video
    from signgen.render.poses import check_poses
    from signgen.render.real import SMOOTHING, PersonRenderer, photo_pose
    from signgen.render.recipe import load_recipe

    if (poses is None) == (gloss is None):
        raise ConfigError("give either a pose file or gloss text")
    if poses is not None:
        sequence = read_poses(Path(poses))
        check_poses(sequence, Path(poses))
    else:
        from signgen.gloss import Lexicon, glosses_to_poses

        sequence = glosses_to_poses(str(gloss), language=language, lexicon=Lexicon.default())
    network = Renderer.from_checkpoint(checkpoint)
    renderer = network if full_generation else PersonRenderer(network, size)
    image = read_image(Path(reference), size=renderer.size)
    reference_pose = None if full_generation else photo_pose(image, Path(reference))
    options = load_recipe(checkpoint).options(seed=seed, smoothing=SMOOTHING)
    return render_to_video(
        renderer, image, sequence, options, out, reference_pose=reference_pose, size=size
    )
