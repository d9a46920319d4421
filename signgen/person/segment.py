"""The person mask of a reference photo: MediaPipe selfie segmentation.

mediapipe==0.10.21 (the ``extract`` extra) bundles the selfie-segmentation models, so this runs
offline. The general model (``model_selection=0``, 256 x 256 input) is used: references are
square crops of an upper body, which is what it was trained on.
"""

from __future__ import annotations

import numpy as np

from signgen.errors import ExtractError
from signgen.io.quiet import native_stderr_silenced


def person_mask(image: np.ndarray) -> np.ndarray:
    """The probability that each pixel shows the person.

    image: uint8 [H, W, 3] RGB. Returns float32 [H, W] in [0, 1].
    """
    try:
        from mediapipe.python.solutions.selfie_segmentation import SelfieSegmentation
    except ImportError:
        raise ExtractError(
            "person segmentation needs mediapipe==0.10.21: pip install 'signgen[extract]'"
        ) from None
    with native_stderr_silenced(), SelfieSegmentation(model_selection=0) as graph:
        result = graph.process(np.ascontiguousarray(image))
    mask = result.segmentation_mask
    if mask is None:  # pragma: no cover - MediaPipe returns an all-zero mask, not None
        return np.zeros(image.shape[:2], np.float32)
    return np.clip(np.asarray(mask, np.float32), 0.0, 1.0)
