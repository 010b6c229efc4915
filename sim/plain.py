"""Plain Python values for JSON and Parquet: numpy scalars unwrapped, non-finite floats as None."""

from __future__ import annotations

import math

import numpy as np


def plain(value):
    """``value`` as a plain Python value: numpy scalars → Python, NaN and ±inf → None (JSON has no NaN)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
