"""Seed 000, "NTK analysis for finite width and depth" (TU Delft WI4450, building on Hanin &
Nica 2019): Monte-Carlo statistics of the empirical NTK at initialisation and after one SGD
step (Theorems 1 and 2), and Adam training of a sine-fitting FNN and a Poisson PINN with NTK
snapshots.

- ``plan``               parse-time: sampling batches, priorities, each job's config fields
- ``monte_carlo``        one configuration's samples as a netCDF dataset (the samplers of
                         :mod:`finite_ntk.samplers`)
- ``reductions``         moments, bootstrap intervals, the fit of C, theory curves
- ``schedule``           parse-time: snapshot schedules, the training section's checks
- ``training_setup``     a training job's network, identity and initial parameters
- ``training_problems``  training points, Poisson collocation data, the two losses
- ``training_runs``      one netCDF dataset per training job
- ``roundoff``           round-off twins and envelopes of the training runs
- ``tables``, ``report`` Tables 2-3 and the report's macros
- ``figures``, ``claims`` the paper's figures and claims
- ``monte_carlo_plots``, ``training_plots`` its plotting functions

Import the modules themselves: this package imports nothing, so that ``plan`` and
``schedule`` stay light.
"""
