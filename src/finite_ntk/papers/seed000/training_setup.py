"""The network, job identity and initial parameters of one training job, from the config:
``config['network']`` with the entries of ``config['training']['network']`` in their
place, and ``job_key(root_seed, 'training', model=..., activation=..., width=...,
depth=...)`` for the initial parameters.

(The paper config sets ``training.network.b_std = 0.1``: with b_std = 0 the biases never
act and a 1D ReLU network is positively homogeneous, unable to fit the sine target at any
depth.)"""

from __future__ import annotations

from typing import Any, Mapping

import finite_ntk.seeding as seeding
from finite_ntk.models.networks import NetworkSpec, build_network
from finite_ntk.models.spec import spec_from_settings

Params = Any

EXPERIMENT = "training"


def network_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config['network']`` with the entries of ``config['training']['network']`` (if
    any) in place of its own."""
    return {**config["network"], **config["training"].get("network", {})}


def network_spec(config: Mapping[str, Any], activation: str, width: int, depth: int, n0: int) -> NetworkSpec:
    """The network of one training job (:func:`network_settings`)."""
    return spec_from_settings(network_settings(config), activation, width, depth, n0)


def job_fields(model: str, spec: NetworkSpec) -> dict[str, Any]:
    """The identity fields of a training job, in their order."""
    return {"model": model, "activation": spec.activation, "width": spec.width, "depth": spec.depth}


def job_identity(model: str, spec: NetworkSpec) -> str:
    """``training/model=<m>/activation=<a>/width=<n>/depth=<d>``."""
    return seeding.identity_string(EXPERIMENT, **job_fields(model, spec))


def initial_params(config: Mapping[str, Any], model: str, spec: NetworkSpec) -> Params:
    """Initial parameters of a training job: the job key of :func:`job_fields` passed to
    the network's ``init_fn``. The Figure 8 job draws the FNN kernels at initialisation
    with the same keys, so they equal the step-0 snapshots of the training jobs."""
    key = seeding.job_key(config["root_seed"], EXPERIMENT, **job_fields(model, spec))
    init_fn, _, _ = build_network(spec)
    _, params = init_fn(key, (-1, spec.n0))
    return params


def architecture_label(config: Mapping[str, Any], model: str, spec: NetworkSpec) -> str:
    """``run '<run>', <model> <activation> width <n> depth <d>`` (progress and errors)."""
    return f"run '{config['run']}', {model} {spec.activation} width {spec.width} depth {spec.depth}"
