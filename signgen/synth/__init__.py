"""The synthetic signer world: procedural signers, their poses, and training pairs.

`Appearance.from_seed(seed)` samples a signer; `render_frame(appearance, xy, conf, size)`
draws it in a canonical pose frame (image + part mask); `retarget` fits any pose sequence to
an appearance's body and frame; `neutral_pose` is its rest pose. See `signgen.synth.dataset`
for the training pairs and held-out clips.
"""

from signgen.synth.appearance import HELDOUT_SEED_START, Appearance
from signgen.synth.render import MASK_LABELS, SynthFrame, render_frame
from signgen.synth.skeleton import neutral_pose

__all__ = [
    "HELDOUT_SEED_START",
    "MASK_LABELS",
    "Appearance",
    "SynthFrame",
    "neutral_pose",
    "render_frame",
]
