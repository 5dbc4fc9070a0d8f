"""Seed 001's training claims (seed001.9-13) on planted data: what they read (the runs that
reached the training time or stopped early; diverged runs and runs stopped at the stability
edge left out), claim 12's gate (shallow networks must train) and its comparison of the
phases, claim 13's restriction to the runs that stopped early, and the n/a worlds (no network
trains; no run stops early) that finite_ntk.claims.Control has no kind for. The positive and
negative controls run in tests/test_claim_controls.py."""

import numpy as np
import pytest
import xarray as xr

import finite_ntk.papers.seed001.claim_controls as controls
import finite_ntk.papers.seed001.claims as claims
from finite_ntk.claims import AGREES, DIFFERS, NOT_AVAILABLE
from finite_ntk.papers.seed001 import training_grid
from finite_ntk.papers.seed001.report import training_phase_mask

CLAIM = {claim.key: claim for claim in claims.CLAIMS}
MAIN = int(controls.TRAINING_ATTRS["main_width"])


def evaluate(key: str, training: xr.Dataset):
    inputs = controls.claim_inputs(controls.PAPER_WORLD)
    return CLAIM[key].evaluate(inputs._replace(data=inputs.data._replace(training=training)))


def paper_training() -> xr.Dataset:
    return controls.training_stats(controls.PAPER_WORLD)


def test_status_codes_are_the_training_grids():
    assert {"converged": claims.CONVERGED, "cap": claims.CAP, "diverged": claims.DIVERGED, "edge": claims.EDGE} == (
        training_grid.STATUS_CODES
    )
    assert claims.NOT_TRAINED == training_grid.NOT_TRAINED
    assert (controls.CONVERGED, controls.CAP, controls.DIVERGED, controls.EDGE) == (0, 1, 2, 3)


def test_the_planted_training_file_carries_the_workflows_variables_and_attributes():
    training = paper_training()
    assert set(training_grid.CELL_QUANTITIES) <= set(training.data_vars)
    assert {"status", "steps", "ntk_change", "border_weight_variance"} <= set(training.data_vars)
    assert training.attrs["training_time"] == pytest.approx(
        training.attrs["learning_rate"] * training.attrs["max_steps"]
    )
    assert training.attrs["training_time"] == 1.0
    codes = set(np.unique(training["status"].values).tolist())
    assert codes == {controls.CONVERGED, controls.CAP, controls.DIVERGED, controls.EDGE}
    assert int(training["steps"].max()) == training.attrs["max_steps"]
    capped = training["status"] == controls.CAP
    assert bool((training["steps"].where(capped) == training.attrs["max_steps"]).sum() == capped.sum())


@pytest.mark.parametrize("key", [f"seed001.{n}.{a}" for n in (9, 12) for a in ("tanh", "relu")])
def test_unfinished_runs_are_left_out(key):
    """The planted diverged and edge runs (ordered, deepest, main width) would turn claims 9 and
    12 on the paper's world if they were read as finished."""
    training = paper_training()
    assert evaluate(key, training).verdict == AGREES
    assert "1 diverged, 1 stopped at the stability edge" in evaluate(key, training).note
    finished = training.copy(deep=True)
    finished["status"] = finished["status"].where(finished["status"] < controls.DIVERGED, controls.CONVERGED)
    assert evaluate(key, finished).verdict == DIFFERS


def test_claim_9_note_states_the_training_time_and_the_cells():
    note = evaluate("seed001.9.relu", paper_training()).note
    # ReLU's clearly ordered sigma_w^2 0.5, 1, 1.5 at 5 depths, less the 2 unfinished runs.
    assert "training time 1 (1e+05 steps at lr 1e-05)" in note and "13 clearly ordered cells at M = 256" in note
    older = paper_training()
    del older.attrs["training_time"]
    assert "training time 1 (1e+05 steps" in evaluate("seed001.9.relu", older).note


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_claim_10_leaves_out_runs_stopped_at_the_edge(activation):
    """A huge change at depth 1 of every clearly chaotic sigma_w^2 breaks the depth trend when read
    (converged), not when those runs stopped at the stability edge."""
    training = paper_training()
    chaotic = training_phase_mask(training, "chaotic") & (training["width"] == MAIN) & (training["depth"] == 1)
    spoiled = training.copy(deep=True)
    spoiled["ntk_change_end"] = spoiled["ntk_change_end"].where(~chaotic, 100.0)
    key = f"seed001.10.{activation}"
    assert evaluate(key, spoiled).verdict == DIFFERS
    spoiled["status"] = spoiled["status"].where(~chaotic, controls.EDGE)
    result = evaluate(key, spoiled)
    assert result.verdict == AGREES and "stopped at the stability edge" in result.note


def _with_ratios(ordered: list[float], chaotic: list[float], activation: str = "relu") -> xr.Dataset:
    """The paper's training file with the minimal loss over the constant output's set per depth
    in the clearly ordered and the clearly chaotic sigma_w^2 of ``activation``."""
    training = paper_training()
    constant = float(training.attrs["constant_loss"])
    loss = training["min_loss"].copy()
    for phase_name, ratios in (("ordered", ordered), ("chaotic", chaotic)):
        mask = training_phase_mask(training, phase_name) & (training["activation"] == activation)
        per_depth = xr.DataArray(np.asarray(ratios) * constant, dims="depth", coords={"depth": training["depth"]})
        loss = loss.where(~mask, per_depth)
    return training.assign(min_loss=loss)


def test_claim_12_agrees_when_the_ordered_phase_stops_training_first():
    result = evaluate("seed001.12.relu", _with_ratios([0.1, 0.3, 0.95, 1.0, 1.0], [0.1, 0.1, 0.2, 0.3, 1.0]))
    assert result.verdict == AGREES and result.value == 4
    assert "ordered from L = 4, chaotic from L = 16" in result.note


def test_claim_12_differs_when_the_chaotic_phase_stops_first_or_the_ordered_never():
    chaotic_first = evaluate("seed001.12.relu", _with_ratios([0.1, 0.1, 0.2, 0.3, 1.0], [0.1, 0.3, 0.95, 1.0, 1.0]))
    assert chaotic_first.verdict == DIFFERS and chaotic_first.value == 16
    trains = evaluate("seed001.12.relu", controls.training_stats(controls.World(deep_ordered_loss=0.3)))
    assert trains.verdict == DIFFERS and np.isnan(trains.value) and "ordered trains to L = 16" in trains.note


def test_claim_12_reads_untrainable_from_a_depth_on():
    """An ordered median that reaches the threshold at L = 2 but trains again deeper does not
    count from L = 2: the phase does not train from L = 8."""
    result = evaluate("seed001.12.relu", _with_ratios([0.1, 0.95, 0.4, 0.95, 1.0], [0.1, 0.1, 0.1, 0.1, 0.1]))
    assert result.verdict == AGREES and result.value == 8


@pytest.mark.parametrize("key", ["seed001.12.tanh", "seed001.12.relu"])
def test_claim_12_is_not_available_where_no_network_trains(key):
    result = CLAIM[key].evaluate(controls.claim_inputs(controls.NOT_AVAILABLE_WORLDS[key]))
    assert result.verdict == NOT_AVAILABLE
    assert "shallow networks do not train in this run" in result.note and "= 1.2 (clearly ordered)" in result.note


def test_claim_12_needs_both_phases_to_train_when_shallow():
    result = evaluate("seed001.12.relu", _with_ratios([0.6, 0.7, 0.95, 1.0, 1.0], [0.1, 0.1, 0.1, 0.1, 0.1]))
    assert result.verdict == NOT_AVAILABLE and "0.6 (clearly ordered), 0.1 (clearly chaotic)" in result.note


def test_claim_13_is_not_available_without_early_stops():
    result = CLAIM["seed001.13.steps"].evaluate(
        controls.claim_inputs(controls.NOT_AVAILABLE_WORLDS["seed001.13.steps"])
    )
    assert result.verdict == NOT_AVAILABLE and "0 runs at M = 256 stopped early (at least 5 needed)" in result.note


def test_claim_13_reads_only_the_runs_that_stopped_early():
    training = paper_training()
    result = evaluate("seed001.13.steps", training)
    at_main = (training["width"] == MAIN).broadcast_like(training["status"])
    early = (training["status"] == controls.CONVERGED) & at_main
    assert result.verdict == AGREES and f"{int(early.sum())} runs at M = 256 stopped early" in result.note
    # Runs that reached tau = 1 are not read: making them all change a lot does not move rho.
    capped = (training["status"] == controls.CAP) & at_main
    spoiled = training.assign(ntk_change_end=training["ntk_change_end"].where(~capped, 10.0))
    assert evaluate("seed001.13.steps", spoiled).value == result.value
    # Four early stops are too few, whatever the other runs say: the rest stopped at the edge.
    kept = np.zeros(early.shape, bool)
    kept.flat[np.flatnonzero(early.values)[:4]] = True
    status = training["status"].where(~early.values | kept, controls.EDGE)
    result = evaluate("seed001.13.steps", training.assign(status=status))
    assert result.verdict == NOT_AVAILABLE and "4 runs at M = 256 stopped early (at least 5 needed)" in result.note


def test_the_n_a_worlds_leave_the_other_training_claims_as_the_paper_world():
    for key, world in controls.NOT_AVAILABLE_WORLDS.items():
        inputs = controls.claim_inputs(world)
        for claim in claims.CLAIMS:
            if claim.number in (9, 10, 11):
                assert claim.evaluate(inputs).verdict == AGREES, (key, claim.key)


def test_shallow_ordered_trained_counts_finished_shallow_ordered_cells():
    """The report's measure: finished runs at the main width, sigma_w^2 below the border,
    depth <= 4, and how many reached half the constant output's loss."""
    from finite_ntk.papers.seed001.report import SHALLOW_DEPTH, TRAINED_FRACTION, shallow_ordered_trained

    training = paper_training().copy(deep=True)
    main = int(training.attrs["main_width"])
    constant = float(training.attrs["constant_loss"])
    at = dict(width=main)
    cell = training.sel(**at)
    ordered = cell["weight_variance"] < cell["border_weight_variance"]
    chosen = ordered & (cell["depth"] <= SHALLOW_DEPTH) & cell["status"].isin([0, 1])
    training["min_loss"].loc[at] = xr.where(chosen, TRAINED_FRACTION * constant * 0.9, 2 * constant)
    cells, reached = shallow_ordered_trained(training)
    assert cells == reached == int(chosen.sum()) > 0
    training["min_loss"].loc[at] = xr.where(chosen, TRAINED_FRACTION * constant * 1.1, 0.0)
    assert shallow_ordered_trained(training) == (cells, 0)
