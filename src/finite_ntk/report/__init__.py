"""The LaTeX report's generated parts and its build, one module each.

``claims`` (the claims registry and table), ``macros`` (macros.tex), ``provenance``
(provenance.tex), ``tables`` (Tables 2 and 3), ``figure_index`` (the appendix index), ``build``
(latexmk); ``latex`` holds the LaTeX text helpers they share.
"""
