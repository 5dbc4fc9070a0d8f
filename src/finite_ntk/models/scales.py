"""The scale rule of a stax Dense layer in the ntk and standard parameterizations: one
place for the multipliers and initial standard deviations that hand-written forward
passes of ``build_network`` need. Plain Python (no JAX)."""

from __future__ import annotations

import math
from typing import NamedTuple

from finite_ntk.models.spec import PARAMETERIZATIONS


class DenseScales(NamedTuple):
    """A Dense layer of fan-in m computes z = c A h + beta b, with parameters A = s G and
    b = s_b N(0, I), G iid N(0, 1):

        ntk:       c = W_std / sqrt(m), s = 1,                 beta = b_std,  s_b = 1
        standard:  c = 1,               s = W_std / sqrt(m),   beta = 1,      s_b = b_std

    (``b_std=None``, no bias: beta = b_std = 0 in ntk; in standard beta stays 1 and the
    caller knows there is no b.)
    """

    c: float
    s: float
    beta: float
    s_b: float


def dense_scales(parameterization: str, b_std: float | None, fan_in: int, W_std: float) -> DenseScales:
    """:class:`DenseScales` of a Dense layer of fan-in ``fan_in`` with weight std ``W_std``.

    sqrt is ``math.sqrt`` (correctly rounded); ``fan_in ** 0.5`` differs from it in the
    last bit for some fan-ins (2921, 3541, ...; never for powers of two)."""
    b = 0.0 if b_std is None else float(b_std)
    if parameterization == "ntk":
        return DenseScales(W_std / math.sqrt(fan_in), 1.0, b, 1.0)
    if parameterization == "standard":
        return DenseScales(1.0, W_std / math.sqrt(fan_in), 1.0, b)
    raise ValueError(
        f"parameterization: {parameterization!r} is not supported; allowed: {', '.join(PARAMETERIZATIONS)}"
    )
