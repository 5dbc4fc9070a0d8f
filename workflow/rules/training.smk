# Training experiments with NTK snapshots (issue 4). Defines TRAINING_TARGETS.
TRAINING_TARGETS = []
