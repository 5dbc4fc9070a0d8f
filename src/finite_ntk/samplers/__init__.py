"""Monte-Carlo sampling of the empirical NTK at initialisation and after one SGD step.

``setup`` (one configuration, plain data), ``cost`` (work and memory model, no JAX),
``samplers`` (the dispatch table: ``dense``, ``matrix_free``), ``batches`` (replicate
blocks), ``threefry`` (bit-exact jax.random normals as fused array code), ``theorem2``
(the SGD step), ``reductions`` (moments, bootstrap intervals, fits) and ``datasets``
(a configuration's samples as a netCDF dataset).

Import the modules themselves: this package imports nothing, so that ``setup`` and
``cost`` stay usable without JAX.
"""
