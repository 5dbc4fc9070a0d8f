r"""Lemma 2's kappa_1 and kappa_2 against depth at an ordered, a border and a chaotic point
(seed 001, Figures 5 and 6), from the closed forms of :mod:`finite_ntk.mean_field`.

In standard parameterisation the NTK of width M is alpha M (Lambda + O(1/M)), with Lambda's
diagonal kappa_1(x) and off-diagonal kappa_2(x_s, x_r) (mean_field's module docstring). The
ratio kappa_1 / kappa_2 near 1 means a nearly degenerate (rank-one) NTK matrix. Inputs of
length ``input_length`` (|x|^2 / n0) with covariance q^0_sr = x_s . x_r / n0 from 0 to that
length; the paper's figures fix no width, so alpha_0 = n0 / M = 1.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import xarray as xr

import finite_ntk.mean_field as mean_field
from finite_ntk.papers.seed001.settings import KAPPA_PHASES


def kappa_dataset(section: Mapping[str, Any], input_length: float) -> xr.Dataset:
    """kappa_1, kappa_2 and kappa_1 / kappa_2 for every activation and phase of the config's
    ``seed001.kappa`` section."""
    activations = list(section["activations"])
    bias = float(section["bias_variance"])
    depth = int(section["max_depth"])
    covariances = np.linspace(0.0, input_length, int(section["input_covariances"]))
    same = covariances == input_length  # q^0_sr = q^0: the two inputs coincide
    multiples = section["border_multiples"]
    weight = np.empty((len(activations), len(KAPPA_PHASES)))
    kappa_1 = np.empty((len(activations), len(KAPPA_PHASES), depth))
    kappa_2 = np.empty((len(activations), len(KAPPA_PHASES), len(covariances), depth))
    ratio = np.empty_like(kappa_2)
    for a, activation in enumerate(activations):
        border = float(mean_field.order_chaos_border(activation, bias))
        if not np.isfinite(border):
            raise ValueError(
                f"config field 'seed001.kappa.bias_variance': {activation} has no order/chaos border at {bias:g}"
            )
        for p, phase in enumerate(KAPPA_PHASES):
            weight[a, p] = multiples[phase] * border
            single = mean_field.propagate(activation, weight[a, p], bias, depth, input_length=input_length)
            pair = mean_field.propagate_pair(
                activation,
                weight[a, p],
                bias,
                depth,
                input_covariance=covariances,
                input_lengths=(input_length, input_length),
            )
            kappa_1[a, p] = np.exp(mean_field.log_kappa_1(single))
            kappa_2[a, p] = mean_field.kappa_2(pair)
            ratio[a, p] = mean_field.kappa_ratio(pair)
            # x_s = x_r: kappa_2 is kappa_1, these very numbers. (mean_field computes it by the
            # diagonal path of the pair's propagation already, bit for bit this one's for the
            # closed forms; a quadrature's matrix products may round otherwise at another shape.)
            kappa_2[a, p, same] = kappa_1[a, p]
            ratio[a, p, same] = 1.0
    return xr.Dataset(
        {
            "weight_variance": (("activation", "phase"), weight),
            "bias_variance": (("activation", "phase"), np.full(weight.shape, bias)),
            "kappa_1": (("activation", "phase", "depth"), kappa_1),
            "kappa_2": (("activation", "phase", "input_covariance", "depth"), kappa_2),
            "kappa_ratio": (("activation", "phase", "input_covariance", "depth"), ratio),
        },
        coords={
            "activation": np.asarray(activations, dtype=str),
            "phase": np.asarray(KAPPA_PHASES, dtype=str),
            "input_covariance": covariances,
            "depth": np.arange(1, depth + 1, dtype=np.int64),
        },
        attrs={"input_length": float(input_length), "input_width_ratio": 1.0},
    )


__all__ = ["kappa_dataset"]
