"""finite_ntk: finite-width, finite-depth Neural Tangent Kernel experiments.

Modules (pure, typed functions; rule scripts only read, call and write):

- ``precision``  float32 / float64 switch (call before importing neural-tangents users)
- ``config``     load and validate a workflow config
- ``seeding``    the one rule that derives every job's PRNG key from the root seed
- ``networks``   stax builders (``NetworkSpec``), empirical and infinite-width NTK functions
- ``kernels``    on-diagonal K(x,x), parameter gradients
- ``problems``   the sine target and the 2D Poisson problem
- ``pinn``       Laplacian operators and the PINN kernels K_uu, K_rr, K_ur
- ``theorem2``   one SGD step and the kernel before/after it
- ``sampling``   dense Monte-Carlo sampler over replicates
- ``reductions`` moments, bootstrap intervals, fits of C
- ``io``         netCDF writing (atomic) and provenance attributes

Nothing here imports neural-tangents at package import time, so that
``finite_ntk.precision.set_precision('float64')`` can run first.
"""

__version__ = "0.1.0"
