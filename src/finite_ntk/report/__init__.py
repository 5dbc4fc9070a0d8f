"""The LaTeX report's generated parts and its build, one module each.

``provenance`` (provenance.tex), ``figure_index`` (the appendix index), ``build`` (latexmk);
``latex`` holds the LaTeX text helpers they share. The claims table is :mod:`finite_ntk.claims`;
each paper's own parts (seed 000's macros and Tables 2-3, seed 001's and seed 002's chapters)
are in its package, ``finite_ntk.papers.<id>``.
"""
