"""Monte-Carlo jobs: from a config entry to the raw-samples dataset of one configuration.

A sampling job covers one (model, activation, width) and every depth of that width in the
grid, so that the interpreter start-up and imports are paid once per job rather than per
configuration; each configuration still gets its own netCDF and its own keys.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np
import xarray as xr

import finite_ntk.seeding as seeding
from finite_ntk.papers.seed000.plan import sampling_batches
from finite_ntk.samplers.dispatch import get_sampler, sample
from finite_ntk.samplers.setup import setup_from_config

SAMPLE_DESCRIPTIONS = {
    "k_init": "on-diagonal empirical NTK K(x,x) at initialisation",
    "k_step": "K(x,x) after one SGD step (batch of one) on the step loss",
    "delta_k": "K after minus K before, computed as <g'-g, g'+g> (no cancellation)",
}


def job_plan(config: Mapping[str, Any], model: str, activation: str, width: int, depth: int) -> Any:
    """The sampler's plan entry of one configuration, planned over its whole sampling job
    (every depth of its width in the grid), so that a configuration sampled on its own gets
    the same plan (for the matrix-free sampler: the same compiled program), hence the same
    bits, as in its job."""
    depths = sampling_batches(config).get((model, activation, width), [])
    if depth not in depths:
        depths = [depth]
    setups = [setup_from_config(config, model, activation, width, d) for d in depths]
    sampler = get_sampler(config["monte_carlo"]["sampler"])
    return sampler.plan(setups, int(config["monte_carlo"]["replicates"]))[depths.index(depth)]


def samples_dataset(
    config: Mapping[str, Any],
    model: str,
    activation: str,
    width: int,
    depth: int,
    progress: Callable[[str], None] | None = None,
) -> xr.Dataset:
    """Draw the replicates of one configuration and return them as a dataset with
    variables k_init, k_step, delta_k over ``replicate`` (and ``operator`` for the PINN)."""
    setup = setup_from_config(config, model, activation, width, depth)
    replicates = int(config["monte_carlo"]["replicates"])
    keys = seeding.replicate_keys(
        seeding.monte_carlo_key(config["root_seed"], model, activation, width, depth), replicates
    )
    sampler = config["monte_carlo"]["sampler"]
    plan = job_plan(config, model, activation, width, depth)
    samples = sample(setup, keys, sampler=sampler, progress=progress, plan=plan)

    dims: tuple[str, ...] = ("replicate",) if model == "fnn" else ("replicate", "operator")
    coords: dict[str, Any] = {"replicate": np.arange(replicates)}
    if model != "fnn":
        coords["operator"] = list(setup.operators)
    data_vars = {}
    for name, values in samples.items():
        array = values[:, 0] if model == "fnn" else values
        data_vars[name] = xr.Variable(dims, array, attrs={"description": SAMPLE_DESCRIPTIONS[name]})
    spec = setup.spec
    attrs = {
        "model": model,
        **spec.attributes(),
        "x": list(setup.input_point),
        "target": setup.target(),
        "step_loss": setup.step_loss,
        "learning_rate": setup.learning_rate,
        "replicates": replicates,
        "root_seed": config["root_seed"],
        "seeding_rule": "fold_in(fold_in(key(root_seed, rbg), sha256(identity)[:4]), replicate)"
        + (
            "; matrix-free draws: threefry half of that key, fold_in(part) (matrix_free.KEY_STREAMS)"
            if sampler == "matrix_free"
            else ""
        ),
        "identity": seeding.identity_string(
            "monte_carlo", model=model, activation=activation, width=width, depth=depth
        ),
        "sampler": sampler,
        "precision": config["precision"],
        "run": config["run"],
    }
    if model == "pinn":
        attrs["rr_identically_zero"] = activation == "relu"
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)
