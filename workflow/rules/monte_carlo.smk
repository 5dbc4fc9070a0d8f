# Monte-Carlo NTK statistics (issue 3). Defines MONTE_CARLO_TARGETS.
MONTE_CARLO_TARGETS = []
