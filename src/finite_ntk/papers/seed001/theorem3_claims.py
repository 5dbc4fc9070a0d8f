"""Seed 001's claims 14-17 (Section 5, Theorem 3), read from ``theorem3.nc``
(:mod:`finite_ntk.papers.seed001.theorem3`), and their planted-data controls.

- 14 (ordered phase): Theorem 3's variance is small and falls with depth: Var f^inf / q^L at
  the deepest depth of the theory, and whether Var falls at every depth;
- 15 (chaotic phase): it is high and proportional to the output variance at initialisation
  q^L: Var f^inf / q^L at the deepest depth;
- 16 (border): it is smaller than in the chaotic phase at equal depth: the largest ratio
  Var_border / Var_chaotic over the depths;
- 17 (chaotic phase): eq. (10) with the deterministic NTK stops describing deep networks:
  the relative RMS distance between each finite network's eq. (10) output (b) and the
  theory's output for the same f^0 grows with L/M (Spearman over the width x depth cells);
  ``.trained``: the distance of the trained networks (c) at the deepest training depth
  against the shallowest, beyond their intervals.

The checks read ``inputs.theorem3`` (an ``xr.Dataset`` or None: the rows say n/a); this
module imports :mod:`finite_ntk.papers.seed001.claims` only inside the controls (that module
imports this one at its end).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np
import xarray as xr

from finite_ntk.claims import Claim, Control, Outcome, Threshold, verdict_of
from finite_ntk.stats import spearman

THEOREM3_THRESHOLDS: Mapping[str, Threshold] = MappingProxyType(
    {
        "small_variance": Threshold(0.1, "small: Theorem 3's variance over $q^L$ at the deepest depth at most"),
        "proportional_variance": Threshold(
            0.5, "proportional to $q^L$: Theorem 3's variance over $q^L$ at the deepest depth at least"
        ),
        "distance_rho": Threshold(0.8, "grows with $L/M$: Spearman $\\rho$ of the distance with $L/M$ at least"),
    }
)
RULES = {name: t.value for name, t in THEOREM3_THRESHOLDS.items()}
NO_THEOREM3 = "no Theorem 3 data (theorem3.nc) in this run"
THEORY_ACTIVATIONS = ("erf", "tanh", "relu")
NETWORK_ACTIVATIONS = ("tanh", "relu")


def _theory(inputs: Any, activation: str, measure: str) -> xr.Dataset | Outcome:
    ds = getattr(inputs, "theorem3", None)
    if ds is None:
        return Outcome(measure, note=NO_THEOREM3)
    if activation not in [str(a) for a in ds["activation"].values]:
        return Outcome(measure, note=f"{activation} is not among seed001.theorem3.activations in this run")
    return ds.sel(activation=activation)


def ordered_small_and_falling(activation: str) -> Callable[[Claim, Any], Outcome]:
    """Claim 14: Var/q^L at the deepest depth <= small_variance and Var falls at every depth."""
    measure = "Var f∞(x) / q^L at the deepest depth, ordered phase"

    def check(claim: Claim, inputs: Any) -> Outcome:
        ds = _theory(inputs, activation, measure)
        if isinstance(ds, Outcome):
            return ds
        cell = ds.sel(phase="ordered")
        variance, q = cell["variance"].values, cell["q"].values
        depth = cell["depth"].values
        ratio = float(variance[-1] / q[-1])
        rises = depth[1:][np.diff(variance) >= 0]
        small = ratio <= RULES["small_variance"]
        note = f"at L = {int(depth[-1])}; Var " + (
            "falls at every depth"
            if rises.size == 0
            else f"does not fall at L = {', '.join(str(int(L)) for L in rises)}"
        )
        return Outcome(measure, ratio, verdict=verdict_of(small and rises.size == 0), note=note)

    return check


def chaotic_proportional(activation: str) -> Callable[[Claim, Any], Outcome]:
    """Claim 15: Var/q^L at the deepest depth >= proportional_variance."""
    measure = "Var f∞(x) / q^L at the deepest depth, chaotic phase"

    def check(claim: Claim, inputs: Any) -> Outcome:
        ds = _theory(inputs, activation, measure)
        if isinstance(ds, Outcome):
            return ds
        cell = ds.sel(phase="chaotic")
        variance, q = cell["variance"].values, cell["q"].values
        ratio = float(variance[-1] / q[-1])
        rho = spearman(variance, q)
        note = f"at L = {int(cell['depth'].values[-1])}; Spearman ρ(Var, q^L) over depth {rho:.2f}"
        return Outcome(measure, ratio, verdict=verdict_of(ratio >= RULES["proportional_variance"]), note=note)

    return check


def border_below_chaotic(activation: str) -> Callable[[Claim, Any], Outcome]:
    """Claim 16: max over depths of Var_border / Var_chaotic < 1."""
    measure = "largest Var f∞ on the border over Var f∞ in the chaotic phase at equal depth"

    def check(claim: Claim, inputs: Any) -> Outcome:
        ds = _theory(inputs, activation, measure)
        if isinstance(ds, Outcome):
            return ds
        ratio = ds["variance"].sel(phase="border").values / ds["variance"].sel(phase="chaotic").values
        worst = int(np.nanargmax(ratio))
        note = f"at L = {int(ds['depth'].values[worst])}"
        return Outcome(measure, float(ratio[worst]), verdict=verdict_of(bool(np.all(ratio < 1.0))), note=note)

    return check


def _networks(inputs: Any, activation: str, measure: str) -> xr.Dataset | Outcome:
    ds = getattr(inputs, "theorem3", None)
    if ds is None:
        return Outcome(measure, note=NO_THEOREM3)
    if activation not in [str(a) for a in ds["network_activation"].values]:
        return Outcome(measure, note=f"{activation} is not among seed001.theorem3.network_activations in this run")
    return ds.sel(network_activation=activation, phase="chaotic")


def distance_grows(activation: str) -> Callable[[Claim, Any], Outcome]:
    """Claim 17: Spearman rho of distance_b with L/M over the chaotic cells >= distance_rho."""
    measure = "Spearman ρ of the (b) distance from eq. (10)'s theory output with L/M, chaotic phase"

    def check(claim: Claim, inputs: Any) -> Outcome:
        ds = _networks(inputs, activation, measure)
        if isinstance(ds, Outcome):
            return ds
        distance = ds["distance_b"].transpose("width", "network_depth").values
        ratio = ds["network_depth"].values[None, :] / ds["width"].values[:, None].astype(float)
        ok = np.isfinite(distance)
        if ok.sum() < 3:
            return Outcome(measure, note=f"{int(ok.sum())} cells with a distance (fewer than 3)")
        rho = spearman(ratio[ok], distance[ok])
        top = np.unravel_index(np.argmax(np.where(ok, ratio, -np.inf)), ratio.shape)
        note = (
            f"{int(ok.sum())} cells; distance {float(distance[top]):.3g} at the largest L/M = {float(ratio[top]):.3g}, "
            f"{float(np.nanmin(distance)):.3g} at the smallest"
        )
        return Outcome(measure, rho, verdict=verdict_of(bool(rho >= RULES["distance_rho"])), note=note)

    return check


def trained_distance_grows(activation: str) -> Callable[[Claim, Any], Outcome]:
    """Claim 17, trained networks: the (c) distance at the deepest training depth over that
    at the shallowest; agrees when the deeper's interval lies above the shallower's, differs
    when the ratio is at most 1, n/a when it is above 1 but the intervals overlap."""
    measure = "(c) distance at the deepest training depth over that at the shallowest, chaotic phase"

    def check(claim: Claim, inputs: Any) -> Outcome:
        ds = _networks(inputs, activation, measure)
        if isinstance(ds, Outcome):
            return ds
        depths = ds["training_depth"].values
        if depths.size < 2:
            return Outcome(measure, note="fewer than two training depths")
        deep, shallow = ds.isel(training_depth=-1), ds.isel(training_depth=0)
        d_deep, d_shallow = float(deep["distance_c"]), float(shallow["distance_c"])
        if not (np.isfinite(d_deep) and np.isfinite(d_shallow)) or d_shallow == 0:
            return Outcome(measure, note="no finite (c) distance at the shallowest or deepest training depth")
        above = float(deep["distance_c_lo"]) > float(shallow["distance_c_hi"])
        ratio = d_deep / d_shallow
        note = (
            f"L = {int(depths[-1])}: {d_deep:.3g} [{float(deep['distance_c_lo']):.3g}, {float(deep['distance_c_hi']):.3g}], "
            f"L = {int(depths[0])}: {d_shallow:.3g} [{float(shallow['distance_c_lo']):.3g}, "
            f"{float(shallow['distance_c_hi']):.3g}]"
        )
        if ratio > 1.0 and not above:
            return Outcome(measure, ratio, note=note + ": larger at depth, but the 95 % intervals overlap")
        return Outcome(measure, ratio, verdict=verdict_of(above), note=note)

    return check


_SOURCE = "Seed 001, Sec. 5, Theorem 3"
THEOREM3_CLAIMS: tuple[Claim, ...] = (
    *(
        Claim(
            key=f"seed001.14.{a}",
            subject=f"Seed 001, {a}: Theorem 3's output variance in the ordered phase",
            quote="in the ordered phase ... the variance is small and decreases with depth",
            source=_SOURCE,
            stated=None,
            rule=(
                f"agrees when Var f∞/q^L ≤ {RULES['small_variance']:g} at the deepest theory depth and Var falls at "
                "every depth"
            ),
            check=ordered_small_and_falling(a),
        )
        for a in THEORY_ACTIVATIONS
    ),
    *(
        Claim(
            key=f"seed001.15.{a}",
            subject=f"Seed 001, {a}: Theorem 3's output variance in the chaotic phase against q^L",
            quote="the data-independent variance [of f^{t=∞}(x)] is high and proportional to the variance of outputs "
            "of a randomly initialized network",
            source=_SOURCE,
            stated=None,
            rule=f"agrees when Var f∞/q^L ≥ {RULES['proportional_variance']:g} at the deepest theory depth",
            check=chaotic_proportional(a),
        )
        for a in THEORY_ACTIVATIONS
    ),
    *(
        Claim(
            key=f"seed001.16.{a}",
            subject=f"Seed 001, {a}: Theorem 3's output variance on the border against the chaotic phase",
            quote="at EOC [the output variance q^L] is smaller than in the chaotic phase ... networks initialized "
            "close to EOC generalize better than networks in the chaotic phase",
            source=_SOURCE,
            stated=None,
            rule="agrees when Var f∞ on the border is below the chaotic phase's at every theory depth",
            check=border_below_chaotic(a),
        )
        for a in THEORY_ACTIVATIONS
    ),
    *(
        claim
        for a in NETWORK_ACTIVATIONS
        for claim in (
            Claim(
                key=f"seed001.17.{a}",
                subject=f"Seed 001, {a}: distance of finite networks' eq. (10) from the theory against L/M, chaotic",
                quote="only networks with depth to width ratio L/M ≈ 0 behave as NTK theory suggests ... the "
                "expression for the output function after training (10) does not hold",
                source="Seed 001, Sec. 5",
                stated=None,
                rule=(
                    f"(b): eq. (10) with each network's empirical NTK against the deterministic NTK's, same f0; "
                    f"agrees when ρ ≥ {RULES['distance_rho']:g}"
                ),
                check=distance_grows(a),
            ),
            Claim(
                key=f"seed001.17.{a}.trained",
                subject=f"Seed 001, {a}: distance of trained networks from eq. (10)'s theory output, chaotic",
                quote="the NTK changes significantly during training and is random at initialization for deep "
                "networks, therefore the expression for the output function after training (10) does not hold",
                source="Seed 001, Sec. 5",
                stated=None,
                rule=(
                    "(c): agrees when the deepest training depth's 95 % interval lies above the shallowest's; "
                    "differs when the distance is not larger there; n/a when larger within overlapping intervals"
                ),
                check=trained_distance_grows(a),
            ),
        )
    ),
)


# --------------------------------------------------------------------------- controls


def planted_theory(variance: Callable[[str, np.ndarray, np.ndarray], np.ndarray], depths: int = 16) -> Any:
    """ClaimInputs with a theory part only: q^L = 2 at every depth and phase, Var =
    ``variance(phase, depth, q)`` for every activation of claims 14-16."""
    from finite_ntk.papers.seed001.claims import ClaimInputs

    depth = np.arange(1, depths + 1)
    q = np.full(depth.shape, 2.0)
    phases = ("ordered", "border", "chaotic")
    values = np.stack([np.stack([variance(p, depth, q) for p in phases]) for _ in THEORY_ACTIVATIONS])
    ds = xr.Dataset(
        {
            "variance": (("activation", "phase", "depth"), values),
            "q": (("activation", "phase", "depth"), np.broadcast_to(q, values.shape).copy()),
        },
        coords={"activation": list(THEORY_ACTIVATIONS), "phase": list(phases), "depth": depth},
    )
    return ClaimInputs(theorem3=ds)


def planted_networks(distance: Callable[[np.ndarray], np.ndarray], trained: tuple[float, float]) -> Any:
    """ClaimInputs with (b) distances ``distance(L/M)`` on a width x depth grid and (c)
    distances ``trained`` (shallow, deep) with +-5 % intervals, every network activation."""
    from finite_ntk.papers.seed001.claims import ClaimInputs

    widths, depths = np.array([100, 200, 500]), np.array([2, 4, 8, 16])
    ratio = depths[None, :] / widths[:, None]
    phases = ("ordered", "border", "chaotic")
    b = np.broadcast_to(distance(ratio), (len(NETWORK_ACTIVATIONS), len(phases)) + ratio.shape).copy()
    c = np.broadcast_to(np.array(trained, float), (len(NETWORK_ACTIVATIONS), len(phases), 2)).copy()
    dims_c = ("network_activation", "phase", "training_depth")
    ds = xr.Dataset(
        {
            "distance_b": (("network_activation", "phase", "width", "network_depth"), b),
            "distance_c": (dims_c, c),
            "distance_c_lo": (dims_c, 0.95 * c),
            "distance_c_hi": (dims_c, 1.05 * c),
        },
        coords={
            "network_activation": list(NETWORK_ACTIVATIONS),
            "phase": list(phases),
            "width": widths,
            "network_depth": depths,
            "training_depth": np.array([2, 8]),
        },
    )
    return ClaimInputs(theorem3=ds)


def _falling(phase: str, depth: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The paper's picture: ordered Var = q 0.5^L (small, falling), border 0.3 q, chaotic 0.9 q."""
    return {"ordered": q * 0.5**depth, "border": 0.3 * q, "chaotic": 0.9 * q}[phase]


def _flat(phase: str, depth: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Its opposite: ordered Var = q (not small, not falling), border 2 q above chaotic 0.05 q."""
    return {"ordered": q.copy(), "border": 2.0 * q, "chaotic": 0.05 * q}[phase]


THEOREM3_CONTROLS: Mapping[str, Control] = MappingProxyType(
    {
        **{
            claim.key: Control(positive=lambda: planted_theory(_falling), negative=lambda: planted_theory(_flat))
            for claim in THEOREM3_CLAIMS
            if claim.number in (14, 15, 16)
        },
        **{
            claim.key: Control(
                # (b): distance 3 L/M grows with L/M; its inverse falls. (c): 0.1 -> 0.5 grows beyond
                # the intervals; 0.5 -> 0.1 falls.
                positive=lambda: planted_networks(lambda r: 3.0 * r, (0.1, 0.5)),
                negative=lambda: planted_networks(lambda r: 0.01 / r, (0.5, 0.1)),
            )
            for claim in THEOREM3_CLAIMS
            if claim.number == 17
        },
    }
)

__all__ = [
    "NETWORK_ACTIVATIONS",
    "NO_THEOREM3",
    "RULES",
    "THEOREM3_CLAIMS",
    "THEOREM3_CONTROLS",
    "THEOREM3_THRESHOLDS",
    "THEORY_ACTIVATIONS",
    "border_below_chaotic",
    "chaotic_proportional",
    "distance_grows",
    "ordered_small_and_falling",
    "planted_networks",
    "planted_theory",
    "trained_distance_grows",
]
