"""finite_ntk: finite-width, finite-depth Neural Tangent Kernel experiments, and the
papers this workflow reproduces with them.

Pure, typed functions; rule scripts (``workflow/scripts/``) only read, call and write.
Two layers, imported in one direction only (``tests/test_papers.py`` checks it):

**Papers**, one package each, ``finite_ntk.papers.<id>`` (``seed000``, ``seed001``,
``seed002``): a paper's experiments, reductions, report part, ``figures`` (its ``SOURCES``
and ``FIGURES``) and ``claims`` (its ``CLAIMS``). :data:`finite_ntk.papers.PAPERS` is the
registry that the Snakefile, the figure jobs, the claims table, the report build and the
figure diff iterate; a paper imports the engines, never another paper.

**Engines**, shared by the papers and importing none of them:

- ``models``       ``NetworkSpec``, stax networks, NTK diagonals, PINN operators, problems
- ``samplers``     Monte-Carlo sampling of the empirical NTK: setups, the dispatch table
                   (dense, matrix-free), threefry normals, the SGD step of Theorem 2
- ``training``     Adam training with NTK snapshots, its forward passes and kernels
- ``mean_field``   mean-field theory: the order/chaos border, chi_1, Lemma 2's kappas
- ``stats``        moment ratios, seeded bootstrap, percentile intervals, Spearman
- ``seeding``      the one rule that derives every job's PRNG key from the root seed
- ``io``, ``jobs`` atomic netCDF with provenance; job start-up, progress lines
- ``config``       load, merge (as Snakemake merges --configfile), validate, and each
                   job's config fields (``config_subset``); the schema ships in ``schemas/``
- ``precision``    float32 / float64 switch (call before importing neural-tangents users)
- ``figures``      the entry types of the figure registry (``Figure``, ``Source``)
- ``claims``       the entry types and rules of the claims table, its CSV and LaTeX
- ``report``       provenance, LaTeX helpers, the figure index, the PDF build
- ``plotting``     shared plotting style (and seed 002's plots)
- ``digits``, ``comparison``  MNIST / scikit-learn digits; how the figure diff compares data
- ``figdiff``      a run's figures and data against a reference set

Parse time: ``config``, ``figures``, ``papers`` (with each paper's ``figures``),
``papers.seed000.plan``, ``papers.seed000.schedule``, ``papers.seed000.settings``,
``papers.seed001.settings``, ``papers.seed002.settings``, ``models.spec``,
``samplers.setup`` and ``samplers.cost`` import no JAX, neural-tangents, optax or
matplotlib (Snakemake reads them when it parses the workflow). Nothing here imports
neural-tangents at package import time, so that
``finite_ntk.precision.set_precision('float64')`` can run first. How to add a figure, a
sampler, a claim or a paper: ``docs/extending.md``.
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
