"""Monte-Carlo sampling of the empirical NTK at initialisation and after one SGD step.

``setup`` (one configuration, plain data), ``cost`` (work and memory model, no JAX),
``dispatch`` (the dispatch table: ``dense``, ``matrix_free``), ``batches`` (replicate
blocks), ``threefry`` (bit-exact jax.random normals as fused array code) and ``theorem2``
(the SGD step). Seed 000's reductions and sample datasets are in ``finite_ntk.papers.seed000``.

Import the modules themselves: this package imports nothing, so that ``setup`` and
``cost`` stay usable without JAX.
"""
