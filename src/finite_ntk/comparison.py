"""How a data product is compared across machines: declared on its data source
(:class:`finite_ntk.figures.Source`'s ``comparison``) and applied by the figure diff
(:mod:`finite_ntk.figdiff`).

The diff's default for deterministic floating data is round-off: ``figdiff.ROUNDOFF_ULPS``
units in the last place of the coarsest of the arrays' dtypes and the file's ``precision``
attribute, with an absolute floor at that many ulp of the array's largest magnitude
(``figdiff.roundoff_tolerance``). A :class:`Comparison` says where a product needs more, and
why:

- ``precision``: the floating precision the values were computed in. A float32 computation
  stored as float64 carries float32 round-off; without a ``precision`` attribute in the file
  the diff cannot know it.
- ``variables``: per variable (an ``fnmatch`` pattern, first match wins) a
  :class:`Tolerance`: a relative tolerance where a computation amplifies round-off
  (training, an ill-conditioned solve), an absolute floor where a value is zero up to
  round-off, another floor (none for closed forms spanning decades, or the scale of another
  variable), its own precision, optionally only at some coordinate values.
- ``envelope``: training trajectories whose round-off envelopes (``<dir>/<envelope>/<file>``,
  :mod:`finite_ntk.papers.seed000.roundoff`) the reference set holds.

Differences within a declared tolerance are round-off by declaration: the diff reports them
``within round-off`` and names the declaration's reason. Keep every tolerance far below a
real change and write the measured spread behind it beside it. Plain data: this module
imports nothing heavy (Snakemake reads the sources when it parses the workflow).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Mapping

# The subdirectory, beside a training job's file, of its round-off envelope in a reference
# set (``training/roundoff/fnn_w32_d1.nc`` for ``training/fnn_w32_d1.nc``).
ENVELOPE_DIR = "roundoff"

# Tolerance.floor: the round-off floor is ulps x the array's largest magnitude ("array", the
# default: values near zero come out of cancellations between terms of the array's scale),
# or there is none ("none": each element relative to itself).
FLOOR_ARRAY = "array"
FLOOR_NONE = "none"


@dataclass(frozen=True)
class Tolerance:
    """How one variable is compared beyond plain round-off (all optional).

    An element passes when ``|a - b| <= atol + rtol * max(|a|, |b|)`` or within the
    round-off tolerance, whichever is larger; ``where`` limits ``rtol``/``atol`` to the
    elements at the given coordinate values (elsewhere plain round-off)."""

    rtol: float = 0.0  # relative tolerance, for round-off amplified by the computation
    atol: float = 0.0  # absolute floor, for values that are zero up to round-off
    # The round-off floor: FLOOR_ARRAY, FLOOR_NONE, or the name of another variable of the
    # file whose largest magnitude is this one's scale (Weyl: an eigenvalue's error is eps
    # times the matrix norm, so the smallest eigenvalue's scale is the largest one).
    floor: str = FLOOR_ARRAY
    precision: str | None = None  # this variable's own precision ("float64"), instead of the file's
    where: Mapping[str, tuple[object, ...]] = field(default_factory=dict)  # dimension -> values
    reason: str = ""  # why, with the measured spread: shown in the diff's tolerance column

    def describe(self) -> str:
        """E.g. 'declared rtol=2e-06 at input_covariance=1.0 (reason)'; '' when it adds nothing."""
        if not (self.rtol or self.atol):
            return ""
        parts = [f"rtol={self.rtol:.3g}"] if self.rtol else []
        parts += [f"atol={self.atol:.3g}"] if self.atol else []
        where = " and ".join(f"{dim}={','.join(str(v) for v in values)}" for dim, values in self.where.items())
        reason = f" ({self.reason})" if self.reason else ""
        return "declared " + ", ".join(parts) + (f" at {where}" if where else "") + reason


@dataclass(frozen=True)
class Comparison:
    """How the files of one data source are compared (module docstring); the default is the
    diff's plain round-off."""

    precision: str | None = None  # e.g. "float32": computed in float32, whatever the stored dtype
    variables: Mapping[str, Tolerance] = field(default_factory=dict)  # fnmatch pattern -> tolerance
    envelope: str | None = None  # ENVELOPE_DIR for training jobs with round-off envelopes

    def tolerance(self, variable: str) -> Tolerance:
        """The declared tolerance of ``variable``: the first pattern that matches, else none."""
        for pattern, tolerance in self.variables.items():
            if fnmatch.fnmatchcase(variable, pattern):
                return tolerance
        return Tolerance()


DEFAULT = Comparison()

__all__ = ["Comparison", "DEFAULT", "ENVELOPE_DIR", "FLOOR_ARRAY", "FLOOR_NONE", "Tolerance"]
