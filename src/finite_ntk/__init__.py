"""finite_ntk: finite-width, finite-depth Neural Tangent Kernel experiments.

Pure, typed functions by area; rule scripts only read, call and write.

- ``config``       load, merge (as Snakemake merges --configfile) and validate configs;
                   the schema ships in ``schemas/``
- ``plan``         parse-time helpers of the workflow: jobs, priorities, memory, params
- ``figures``      the figure registry (every figure declared once)
- ``seeding``      the one rule that derives every job's PRNG key from the root seed
- ``precision``    float32 / float64 switch (call before importing neural-tangents users)
- ``io``, ``jobs`` atomic netCDF with provenance; job start-up, progress lines
- ``models``       ``NetworkSpec``, stax networks, NTK diagonals, PINN operators, problems
- ``monte_carlo``  setups, the sampler dispatch table (dense, matrix-free), threefry, the
                   SGD step of Theorem 2, reductions and bootstrap, sample datasets
- ``training``     Adam training with NTK snapshots, its kernels and datasets
- ``deep_kernel``  seed 002: the deep infinite-width ReLU NTK, the NTK predictor, Table 1
- ``report``       claims registry, macros, provenance, tables, the figure index, the PDF
- ``plotting``     one plotting function per kind of figure, shared style
- ``figdiff``      a run's figures and data against a reference set

``plan``, ``figures``, ``config``, ``models.spec``, ``monte_carlo.setup``,
``monte_carlo.cost``, ``training.schedule`` and ``deep_kernel.settings`` import no JAX, neural-tangents, optax or
matplotlib (Snakemake reads them when it parses the workflow). Nothing here imports
neural-tangents at package import time, so that
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
