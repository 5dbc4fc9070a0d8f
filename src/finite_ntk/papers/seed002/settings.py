"""Parse-time helpers of seed 002's rules (workflow/rules/seed002.smk): the config fields
each kind of job depends on, and the checks of the ``seed002`` section that the schema
cannot express. Plain data: imports no JAX, neural-tangents, optax or matplotlib.
"""

from __future__ import annotations

from typing import Any, Mapping

# scikit-learn's digits (sklearn.datasets.load_digits) hold this many images.
DIGIT_IMAGES = 1797
CONVERGENCE_DATASETS: tuple[str, ...] = ("synthetic", "digits")

# The config fields the outputs of each job depend on (its params). The kernel jobs are
# numpy float64 whatever `precision` says; the lazy-features training runs in it.
CONVERGENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "synthetic": ("root_seed", "seed002.synthetic", "seed002.convergence"),
    "digits": ("root_seed", "seed002.convergence"),
}
PROJECTION_FIELDS: tuple[str, ...] = ("root_seed", "seed002.synthetic", "seed002.projection")
EIGENVALUE_FIELDS: tuple[str, ...] = ("root_seed", "seed002.eigenvalues")
DIGITS_TABLE_FIELDS: tuple[str, ...] = ("root_seed", "seed002.digits_table")
# Every field of lazy_features but `widths` (which jobs exist, not what one computes).
LAZY_FIELDS: tuple[str, ...] = (
    "root_seed",
    "precision",
    "seed002.lazy_features.tokens",
    "seed002.lazy_features.classes",
    "seed002.lazy_features.learning_rate",
    "seed002.lazy_features.steps",
)


def check_seed002_config(config: Mapping[str, Any]) -> None:
    """Raise ValueError naming the field when the ``seed002`` section is inconsistent in a
    way the schema cannot see."""
    section = config["seed002"]
    box = section["synthetic"]
    if not box["low"] < box["high"]:
        raise ValueError(f"config field 'seed002.synthetic.low': must be below high ({box['high']!r}), got {box['low']!r}")
    for name in ("convergence", "projection"):
        if section[name]["depth_points"] > section[name]["max_depth"]:
            raise ValueError(f"config field 'seed002.{name}.depth_points': at most max_depth distinct depths (1 .. max_depth) exist")
    digits_needed = {
        "seed002.convergence.points": section["convergence"]["points"] + 1,
        "seed002.projection.n_train": section["projection"]["n_train"] + section["projection"]["n_test"],
        "seed002.digits_table.n_train": section["digits_table"]["n_train"] + section["digits_table"]["n_test"],
    }
    for field, needed in digits_needed.items():
        if needed > DIGIT_IMAGES:
            raise ValueError(f"config field '{field}': needs {needed} distinct digit images; scikit-learn's set has {DIGIT_IMAGES}")
    lazy = section["lazy_features"]
    if lazy["classes"] > lazy["tokens"]:
        raise ValueError(f"config field 'seed002.lazy_features.classes': at most `tokens` ({lazy['tokens']}), got {lazy['classes']}")
    depths = section["digits_table"]["depths"]
    if sorted(depths) != list(depths):
        raise ValueError("config field 'seed002.digits_table.depths': must be increasing")


__all__ = [
    "DIGIT_IMAGES", "CONVERGENCE_DATASETS", "CONVERGENCE_FIELDS", "PROJECTION_FIELDS", "EIGENVALUE_FIELDS",
    "DIGITS_TABLE_FIELDS", "LAZY_FIELDS", "check_seed002_config",
]
