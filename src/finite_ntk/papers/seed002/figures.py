"""Seed 002's figures ("Revisiting the NTK: the role of large width and depth"): the deep
kernel against depth (Figures 4, 5), the projection term (6), the smallest eigenvalue (7)
and Table 1's widths. Plain data, as :mod:`finite_ntk.figures` describes."""

from __future__ import annotations

from finite_ntk.figures import Figure, Source

CATEGORY = "Seed 002: the deep NTK"  # the HTML report's category of every figure

SOURCES: dict[str, Source] = {
    # The deep kernel against depth for synthetic and digit points (Figures 4, 5), the
    # projection term (6), the smallest eigenvalue (7), Table 1's widths.
    "seed002_convergence_synthetic": Source(("seed002/convergence_synthetic.nc",), many=False),
    "seed002_convergence_digits": Source(("seed002/convergence_digits.nc",), many=False),
    "seed002_projection": Source(("seed002/projection.nc",), many=False),
    "seed002_eigenvalues": Source(("seed002/eigenvalues.nc",), many=False),
    "seed002_lazy": Source(("seed002/lazy/w*.nc",), many=True),
}

FIGURES: tuple[Figure, ...] = (
    Figure(
        name="seed002fig4",
        original="Seed 002, Figure 4",
        caption=(
            "Synthetic points (uniform in a box, projected onto the sphere) and one evaluation "
            "point x: against depth L, one curve per pair, 1 - rho^(L) with the law 9 pi^2/(2 "
            "L^2), the normalised NTK (limit 1/4) and its gap to 1/4."
        ),
        category=CATEGORY,
        subcategory="Kernel against depth",
        inputs={"ds": "seed002_convergence_synthetic"},
        plot="finite_ntk.plotting.deep_kernel:plot_convergence",
        arguments={"title": "Synthetic points on the sphere"},
    ),
    Figure(
        name="seed002fig5",
        original="Seed 002, Figure 5",
        caption=(
            "The same for images of scikit-learn's bundled digits (8 x 8, in place of the paper's "
            "MNIST) projected onto the sphere."
        ),
        category=CATEGORY,
        subcategory="Kernel against depth",
        inputs={"ds": "seed002_convergence_digits"},
        plot="finite_ntk.plotting.deep_kernel:plot_convergence",
        arguments={"title": "scikit-learn digits on the sphere"},
    ),
    Figure(
        name="seed002fig6",
        original="Seed 002, Figure 6",
        caption=(
            "Norm of the projection term Theta(x, X) Theta^-1 (I - exp(-t Theta)) of the NTK "
            "predictor against depth, for bounded stopping times t and t = inf (largest and "
            "median over evaluation points); synthetic points and scikit-learn digits on the "
            "sphere."
        ),
        category=CATEGORY,
        subcategory="NTK predictor",
        inputs={"ds": "seed002_projection"},
        plot="finite_ntk.plotting.deep_kernel:plot_projection",
    ),
    Figure(
        name="seed002fig7",
        original="Seed 002, Figure 7",
        caption=(
            "Smallest eigenvalue of the normalised NTK matrix against depth for several data-set "
            "sizes n, points uniform on the sphere."
        ),
        category=CATEGORY,
        subcategory="NTK predictor",
        inputs={"ds": "seed002_eigenvalues"},
        plot="finite_ntk.plotting.deep_kernel:plot_smallest_eigenvalue",
    ),
    Figure(
        name="seed002table1",
        original="Seed 002, Table 1 (scaled)",
        caption=(
            "Two-layer ReLU network in the NTK scaling trained on a one-hot token task: the last "
            "hidden layer's aggregate deviation from initialisation and its single neurons' "
            "deviations against width (log-log)."
        ),
        category=CATEGORY,
        subcategory="Lazy regime",
        inputs={"datasets": "seed002_lazy"},
        plot="finite_ntk.plotting.deep_kernel:plot_lazy_deviation",
    ),
)
