"""Seed 002, "Revisiting the NTK: the role of large width and depth": the deep
infinite-width ReLU NTK and its limit with depth, the NTK predictor, and the lazy-regime
feature deviations of a wide two-layer ReLU network (the paper's Table 1, scaled down).

- ``recursion``  the infinite-width ReLU NNGP and NTK recursions (Jacot et al.) in float64
                 up to any depth, propagating 1 - rho; the normalised kernel (numpy only)
- ``predictor``  the NTK predictor with a stopping time, its projection term, metrics
- ``datasets``   the seed's data: points on the sphere, digit images (MNIST by default, or
                 scikit-learn's digits) on the sphere
- ``experiments`` the datasets behind Figures 2-7, the depth rate of Theorem 2 and Corollary 1,
                 and Table 2
- ``settings``   parse-time: each rule's config fields, the section's cross-field checks
- ``lazy``       Table 1: a two-layer ReLU network in the NTK scaling trained by gradient
                 descent on a one-hot token task, its last hidden layer's deviation and
                 the change of its inner products (Proposition 4), several networks (JAX)
- ``report``     summaries of the data (the growth law of Figure 7, early stopping, the
                 depth rate's fitted constants, Table 1) and the chapter's LaTeX
- ``claims``, ``claim_controls``  the claims and their planted-data controls

Import the modules themselves: this package imports nothing.
"""
