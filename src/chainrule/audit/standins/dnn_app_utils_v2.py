"""Stand-in for the course's dnn_app_utils_v2 (course 1 week 4, 2017–2018): as dnn_app_utils_v3, with that version's keys.

The 2017–2018 file stores dA_prev of layer l as ``grads["dA" + str(l)]`` (what later versions call
``dA{l-1}``): its ``L_model_backward`` returns the same arrays under those keys.
"""

from typing import Any

import numpy as np

from chainrule.audit.standins import dnn_app_utils_v3 as _v3
from chainrule.audit.standins._common import missing
from chainrule.audit.standins.dnn_app_utils_v3 import *  # noqa: F403  (the course's names)
from chainrule.audit.standins.dnn_app_utils_v3 import __all__


def L_model_backward(AL: np.ndarray, Y: np.ndarray, caches: list[Any]) -> dict[str, np.ndarray]:  # type: ignore[no-redef]  # replaces v3's
    """grads {dA{l}, dW{l}, db{l}}: dA{l} is ∂L/∂A[l-1] per example, the 2017–2018 naming; dW, db as today."""
    grads = _v3.L_model_backward(AL, Y, caches)
    return {(f"dA{int(key[2:]) + 1}" if key.startswith("dA") else key): value for key, value in grads.items()}


__getattr__ = missing(__name__)
__all__ = list(__all__)
