"""Training experiments with NTK snapshots (Appendices D-G of the report).

Two problems, both trained full-batch with Adam (optax):

- **FNN** on the sine target N*(x) = sin(3 pi x) + 0.8 sin(11 pi x): ``n_train`` sorted
  points of linspace(-1, 1), MSE loss (Appendix D.1.1, Figures 5, 9, 10).
- **PINN** for 2D Poisson on [0, 1]^2 with exact solution u = sin(pi x) sin(pi y):
  loss = mean (Laplacian u - f)^2 over interior points + lambda * mean u^2 over boundary
  points (Appendix D.1.2, Figures 6, 7).

Modules, by area:

- ``forward``: a hand-written forward pass with taps on the pre-activations, and the
  value with its Laplacian propagated forward.
- ``kernels``: empirical and infinite-width NTK matrices on point sets, spectra.
- ``adam``: the Adam loop with loss log and snapshots; ``NonFiniteLossError``.

Seed 000's schedules, job set-up, problems and job datasets are its own modules
(``finite_ntk.papers.seed000``: ``schedule``, ``training_setup``, ``training_problems``,
``training_runs``). This package imports nothing itself.
"""
