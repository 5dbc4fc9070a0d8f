"""Figures: one function per kind of figure; ``style.save_figure`` writes them.

- ``style``        shared colours, rcParams and reproducible PDF/PNG writing
- ``monte_carlo``  Figures 1-4 (second moment, Theorem 2 parity and relative change)
- ``training``     Figures 5-10 and S1 (NTK heatmaps, spectra, predictions)
- ``phase_diagram`` seed 001: maps of R over (sigma_w^2, depth), R against L and L/M, kappas
- ``deep_kernel``  seed 002: the deep infinite-width NTK, projection term, eigenvalues, Table 1
"""
