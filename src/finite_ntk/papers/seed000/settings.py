"""The config fields each kind of seed-000 training job depends on (its Snakemake params:
``finite_ntk.config.config_subset(config, FIELDS, exclude=EXCLUDED)``), so that changing one
reruns exactly the jobs it affects. Plain data: Snakemake reads it when it parses. The
Monte-Carlo jobs' fields are in :mod:`finite_ntk.papers.seed000.plan`."""

from __future__ import annotations

# Every training job: the seed, the precision, the network (with the training section's
# overrides of it).
_NETWORK = ("root_seed", "precision", "network", "training.network")
FNN_FIELDS: tuple[str, ...] = (*_NETWORK, "training.fnn")
FNN_EXCLUDED: tuple[str, ...] = ("training.fnn.architectures", "training.fnn.figures")
# A PINN job's steps and snapshots come with its schedule (schedule.pinn_schedule), per
# activation; which jobs exist and the figure's choice are not a job's settings.
PINN_FIELDS: tuple[str, ...] = (*_NETWORK, "training.pinn")
PINN_EXCLUDED: tuple[str, ...] = tuple(
    f"training.pinn.{key}"
    for key in ("activations", "architectures", "figure", "steps", "snapshot_steps", "steps_by_activation")
)
INIT_FIELDS: tuple[str, ...] = (*_NETWORK, "training.init_kernels", "training.fnn.activation", "training.fnn.n_train")

__all__ = ["FNN_EXCLUDED", "FNN_FIELDS", "INIT_FIELDS", "PINN_EXCLUDED", "PINN_FIELDS"]
