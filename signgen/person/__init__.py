"""Real signers: keep the person of a reference photo real by moving their own pixels.

The reference is split into body parts (torso, head, upper arms, forearms, hands) from its
person mask and pose; each part is moved to the target pose by its own similarity transform
and composed in depth order over plates of what lies behind it. Parts whose control points
moved less than the jitter threshold stay exactly as in the reference. What no reference
pixel can give is painted here: a limb's missing piece (it left the frame, or was hidden)
continues the limb's own colours; a hand that was out of view gets the skin's colour and
is marked in the composite's ``fill`` mask for the generator, which draws its fingers.
numpy/OpenCV only: no model code (see `signgen.render.person` for the frame loop).
"""

from signgen.person.compose import Composite, PersonScene
from signgen.person.parts import PARTS, Part, part_masks
from signgen.person.plate import inpaint_plate
from signgen.person.segment import person_mask
from signgen.person.warp import part_transform, ramp_transform, similarity

__all__ = [
    "PARTS",
    "Composite",
    "Part",
    "PersonScene",
    "inpaint_plate",
    "part_masks",
    "part_transform",
    "person_mask",
    "ramp_transform",
    "similarity",
]
