"""Recreate examples/reference.png and examples/reference_pose.json (the demo's signer).

A held-out synthetic signer (its seed is above every training seed, so the demo shows a
signer the model never saw) in its neutral pose, drawn at 256x256 by `signgen.synth`.

    .venv/bin/python examples/make_reference.py
"""

from __future__ import annotations

from pathlib import Path

from signgen.io import write_poses
from signgen.io.image import write_png
from signgen.synth import HELDOUT_SEED_START, Appearance, neutral_pose, render_frame

SEED = HELDOUT_SEED_START + 7
SIZE = 256
HERE = Path(__file__).resolve().parent


def main() -> None:
    appearance = Appearance.from_seed(SEED)
    pose = neutral_pose(appearance, SIZE)
    frame = render_frame(appearance, pose.xy[0], pose.conf[0], SIZE)
    write_png(frame.image, HERE / "reference.png")
    write_poses(pose, HERE / "reference_pose.json")
    print(f"wrote {HERE / 'reference.png'} and {HERE / 'reference_pose.json'} (seed {SEED})")


if __name__ == "__main__":
    main()
