"""Figures: one function per kind of figure; ``style.save_figure`` writes them.

- ``style``        shared colours, rcParams and reproducible PDF/PNG writing
- seed 000's and seed 001's plots: ``finite_ntk.papers.seed000.monte_carlo_plots``,
  ``finite_ntk.papers.seed000.training_plots``, ``finite_ntk.papers.seed001.plots``
- ``deep_kernel``  seed 002: the deep infinite-width NTK, projection term, eigenvalues, Table 1
"""
