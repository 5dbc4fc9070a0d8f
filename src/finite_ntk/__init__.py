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

import os as _os
import sys as _sys
import types as _types

# neural-tangents imports TensorFlow (about 6 s, 2 GB) only for its experimental
# TensorFlow interop (`neural_tangents.experimental`), which this package never uses.
# Registering an empty module under that name first makes every job start in about a
# second. Set FINITE_NTK_LOAD_NT_EXPERIMENTAL=1 to load the real one.
if not _os.environ.get("FINITE_NTK_LOAD_NT_EXPERIMENTAL") and "neural_tangents" not in _sys.modules:
    _stub = _types.ModuleType("neural_tangents.experimental")
    _stub.__doc__ = "Not loaded by finite_ntk (TensorFlow interop); see finite_ntk/__init__.py."
    _sys.modules.setdefault("neural_tangents.experimental", _stub)
