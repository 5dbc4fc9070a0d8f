"""Seed 000's figures ("NTK analysis for finite width and depth"): the Monte-Carlo figures of
Theorems 1 and 2 (Figures 1-4, S2) and the training figures (5-10, S1). Plain data, as
:mod:`finite_ntk.figures` describes; the data sources are this paper's data products."""

from __future__ import annotations

from finite_ntk.comparison import ENVELOPE_DIR, FLOOR_NONE, Comparison, Tolerance
from finite_ntk.figures import Figure, FromConfig, Source

MONTE_CARLO = "Monte Carlo: Theorems 1 and 2"  # the HTML report's categories
TRAINING = "Training"

# How the figure diff compares these data across machines (finite_ntk.comparison). Every
# file carries its run's precision (float32) in its `precision` attribute, which sets the
# round-off. The Monte-Carlo statistics' theory_* are closed forms evaluated elementwise in
# float64 NumPy (no cancellation, whatever the run's precision) spanning many decades
# (theory_relative_delta_k: 2e-7 .. 1e8): each element against itself at float64, no
# floor at the largest (it would hide any change to the small ones). The training jobs
# (not ntk_init) carry round-off envelopes: Adam turns another machine's rounding into
# separated trajectories (finite_ntk.papers.seed000.roundoff).
MONTE_CARLO_COMPARISON = Comparison(
    variables={
        "theory_*": Tolerance(floor=FLOOR_NONE, precision="float64", reason="float64 closed forms"),
        # exp(Var log K): a round-off dVar in the variance of float32 logs is a relative dVar in
        # R_log, and Var log K reaches 10 at beta = 2 (each element against itself).
        "log_normal_ratio*": Tolerance(rtol=1e-4, floor=FLOOR_NONE, reason="exp of a variance of float32 logs"),
    },
)
TRAINING_COMPARISON = Comparison(envelope=ENVELOPE_DIR)

SOURCES: dict[str, Source] = {
    # Monte-Carlo statistics of each model (Theorems 1 and 2).
    "stats_fnn": Source(("ntk_stats_fnn.nc",), many=False, comparison=MONTE_CARLO_COMPARISON),
    "stats_pinn": Source(("ntk_stats_pinn.nc",), many=False, comparison=MONTE_CARLO_COMPARISON),
    # The FNN training run a figure shows (config: training.fnn.figures[<figure>]).
    "fnn_run": Source(("training/fnn_*.nc",), many=False, comparison=TRAINING_COMPARISON),
    # Every FNN and every PINN training run (config order); the PINN run a figure shows
    # (config: training.pinn.figure) and the other PINN runs.
    "fnn_runs": Source(("training/fnn_*.nc",), many=True, comparison=TRAINING_COMPARISON),
    "pinn_runs": Source(("training/pinn_*.nc",), many=True, comparison=TRAINING_COMPARISON),
    "pinn_run": Source(("training/pinn_*.nc",), many=False, comparison=TRAINING_COMPARISON),
    "pinn_others": Source(("training/pinn_*.nc",), many=True, comparison=TRAINING_COMPARISON),
    # Convergence of the estimators of E[K^2]/E[K]^2 with the number of draws (FNN, K at init).
    "convergence": Source(("monte_carlo/convergence.nc",), many=False, comparison=MONTE_CARLO_COMPARISON),
    # The NTK at initialisation over widths and depths (Figure 8).
    "init_kernels": Source(("training/ntk_init.nc",), many=False),
}

FIGURES: tuple[Figure, ...] = (
    Figure(
        name="seed000fig1a",
        original="Figure 1a",
        caption=(
            "FNN, ReLU: normalised second moment E[K^2]/E[K]^2 against beta (log-linear) with "
            "exp(5 beta) and the finite-width theory. Circles: the plain ratio of the replicates, "
            "bootstrap 95% intervals, hollow where saturated (it cannot exceed the replicate count). "
            "Diamonds: the log-normal plug-in exp(Var log K) / (1 - P(K = 0)), chi-square 95% "
            "intervals, hollow where the normality test of log K rejects."
        ),
        category=MONTE_CARLO,
        subcategory="FNN",
        inputs={"stats": "stats_fnn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_second_moment",
        arguments={
            "activations": ["relu"],
            "title": "FNN, ReLU: Theorem 1",
            "significance": FromConfig("heavy_tails.significance"),
        },
    ),
    Figure(
        name="seed000fig1b",
        original="Figure 1b",
        caption=(
            "FNN, ReLU: parity plot (log-log) of abs(E[dK]/E[K]) after one SGD step against the "
            "Theorem 2 scaling (d beta / n0) exp(5 beta) lr, with y = x; configurations with "
            "large beta highlighted."
        ),
        category=MONTE_CARLO,
        subcategory="FNN",
        inputs={"stats": "stats_fnn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_parity",
        arguments={
            "activation": "relu",
            "large_beta": FromConfig("monte_carlo.large_beta"),
            "title": "FNN, ReLU: Theorem 2",
        },
    ),
    Figure(
        name="seed000fig2a",
        original="Figure 2a",
        caption=(
            "FNN: normalised second moment against beta for ReLU (red), GELU (blue) and the "
            "sigmoid-like erf activation (green); circles the plain ratio, diamonds the log-normal "
            "plug-in (hollow where the normality test of log K rejects)."
        ),
        category=MONTE_CARLO,
        subcategory="FNN",
        inputs={"stats": "stats_fnn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_second_moment",
        arguments={
            "activations": FromConfig("activations"),
            "title": "FNN: second moment",
            "significance": FromConfig("heavy_tails.significance"),
        },
    ),
    Figure(
        name="seed000fig2b",
        original="Figure 2b",
        caption="FNN: abs(E[dK]/E[K]) against beta for ReLU (red), GELU (blue) and sigmoid-like (green).",
        category=MONTE_CARLO,
        subcategory="FNN",
        inputs={"stats": "stats_fnn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_relative_change",
        arguments={"activations": FromConfig("activations"), "title": "FNN: relative NTK change"},
    ),
    Figure(
        name="seed000fig3a",
        original="Figure 3a",
        caption=(
            "PINN, ReLU: normalised second moment of the value kernel K_uu against beta with exp(5 beta) "
            "and the finite-width theory; circles the plain ratio, diamonds the log-normal plug-in "
            "(hollow where the normality test of log K rejects)."
        ),
        category=MONTE_CARLO,
        subcategory="PINN",
        inputs={"stats": "stats_pinn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_second_moment",
        arguments={
            "activations": ["relu"],
            "operator": "uu",
            "title": "PINN, ReLU: Theorem 1",
            "significance": FromConfig("heavy_tails.significance"),
        },
    ),
    Figure(
        name="seed000fig3b",
        original="Figure 3b",
        caption="PINN, ReLU: parity plot of abs(E[dK_uu]/E[K_uu]) against the Theorem 2 scaling, with y = x.",
        category=MONTE_CARLO,
        subcategory="PINN",
        inputs={"stats": "stats_pinn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_parity",
        arguments={
            "activation": "relu",
            "operator": "uu",
            "large_beta": FromConfig("monte_carlo.large_beta"),
            "title": "PINN, ReLU: Theorem 2",
        },
    ),
    Figure(
        name="seed000fig4a",
        original="Figure 4a",
        caption=(
            "PINN: normalised second moment of K_uu against beta for ReLU (red), GELU (blue) and sigmoid-like "
            "(green); circles the plain ratio, diamonds the log-normal plug-in (hollow where the normality "
            "test of log K rejects)."
        ),
        category=MONTE_CARLO,
        subcategory="PINN",
        inputs={"stats": "stats_pinn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_second_moment",
        arguments={
            "activations": FromConfig("activations"),
            "operator": "uu",
            "title": "PINN: second moment of $K_{uu}$",
            "significance": FromConfig("heavy_tails.significance"),
        },
    ),
    Figure(
        name="seed000fig4b",
        original="Figure 4b",
        caption="PINN: abs(E[dK_uu]/E[K_uu]) against beta for the three activations.",
        category=MONTE_CARLO,
        subcategory="PINN",
        inputs={"stats": "stats_pinn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_relative_change",
        arguments={
            "activations": FromConfig("activations"),
            "operator": "uu",
            "title": "PINN: relative change of $K_{uu}$",
        },
    ),
    Figure(
        name="seed000figS2a",
        original="",
        caption=(
            "PINN: normalised second moment of the residual kernel K_rr = abs(d/dtheta Laplacian "
            "u)^2 against beta (ReLU left out: K_rr vanishes identically)."
        ),
        category=MONTE_CARLO,
        subcategory="PINN residual kernel",
        inputs={"stats": "stats_pinn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_second_moment",
        arguments={
            "activations": FromConfig("activations"),
            "operator": "rr",
            "title": "PINN: second moment of $K_{rr}$",
            "significance": FromConfig("heavy_tails.significance"),
        },
    ),
    Figure(
        name="seed000figS2b",
        original="",
        caption="PINN: relative change of K_rr after one SGD step against beta.",
        category=MONTE_CARLO,
        subcategory="PINN residual kernel",
        inputs={"stats": "stats_pinn"},
        plot="finite_ntk.papers.seed000.monte_carlo_plots:plot_relative_change",
        arguments={
            "activations": FromConfig("activations"),
            "operator": "rr",
            "title": "PINN: relative change of $K_{rr}$",
        },
    ),
    Figure(
        name="seed000fig5",
        original="Figure 5",
        caption=(
            "ReLU FNN of depth 1 (report: width 512, N = 200 points): heatmaps of (a) the "
            "infinite-width NTK, (b) the empirical NTK at initialisation, (c) after training."
        ),
        category=TRAINING,
        subcategory="FNN",
        inputs={"ds": "fnn_run"},
        plot="finite_ntk.papers.seed000.training_plots:fnn_triptych",
    ),
    Figure(
        name="seed000fig6",
        original="Figure 6",
        caption=(
            "PINN: the value kernel K_uu at initialisation, the infinite-width K_uu and K_uu "
            "after training, on one colour scale (report: width 512, beta 0.0039)."
        ),
        category=TRAINING,
        subcategory="PINN",
        inputs={"ds": "pinn_run"},
        plot="finite_ntk.papers.seed000.training_plots:pinn_triptych",
        arguments={"kernel": "uu"},
        latex_label="fig:6a",
    ),
    Figure(
        name="seed000fig6b",
        original="",
        caption=(
            "PINN: the residual kernel K_rr = <d/dtheta Laplacian u(x), d/dtheta Laplacian u(x')> "
            "at initialisation, its infinite-width limit (smooth activations) and after training, "
            "on one colour scale."
        ),
        category=TRAINING,
        subcategory="PINN",
        inputs={"ds": "pinn_run"},
        plot="finite_ntk.papers.seed000.training_plots:pinn_triptych",
        arguments={"kernel": "rr"},
    ),
    Figure(
        name="seed000fig7",
        original="Figure 7",
        caption=(
            "Poisson problem: exact solution, PINN prediction on the test grid, error of the "
            "prediction, and the training loss."
        ),
        category=TRAINING,
        subcategory="PINN",
        inputs={"ds": "pinn_run", "others": "pinn_others"},
        plot="finite_ntk.papers.seed000.training_plots:plot_poisson_solution",
    ),
    Figure(
        name="seed000fig8",
        original="Figure 8",
        caption="NTK heatmaps at initialisation as beta -> 0 (several widths and depths).",
        category=TRAINING,
        subcategory="FNN",
        inputs={"ds": "init_kernels"},
        plot="finite_ntk.papers.seed000.training_plots:plot_init_kernels",
    ),
    Figure(
        name="seed000fig9",
        original="Figure 9",
        caption=(
            "FNN, shallow architecture (report: width 512, depth 1): NTK at initialisation and "
            "after training, eigenvalue spectra, prediction against the sine target on [-1, 1]."
        ),
        category=TRAINING,
        subcategory="FNN",
        inputs={"ds": "fnn_run"},
        plot="finite_ntk.papers.seed000.training_plots:plot_training_comparison",
        arguments={"label": "Figure 9: "},
    ),
    Figure(
        name="seed000fig10",
        original="Figure 10",
        caption=(
            "FNN, deep architecture (report: width 512, depth 10): NTK at initialisation and "
            "after training, eigenvalue spectra, prediction against the sine target on [-1, 1]."
        ),
        category=TRAINING,
        subcategory="FNN",
        inputs={"ds": "fnn_run"},
        plot="finite_ntk.papers.seed000.training_plots:plot_training_comparison",
        arguments={"label": "Figure 10: "},
    ),
    Figure(
        name="seed000figS1",
        original="(footnote 1)",
        caption=(
            "Relative NTK change abs(K_t - K_0)_F / abs(K_0)_F against the training step for "
            "several beta (the report's footnote 1)."
        ),
        category=TRAINING,
        subcategory="NTK evolution",
        inputs={"datasets": "fnn_runs", "pinn": "pinn_runs"},
        plot="finite_ntk.papers.seed000.training_plots:plot_kernel_evolution",
    ),
    *(
        Figure(
            name=f"seed000figS3{letter}",
            original="",
            caption=(
                f"FNN, {label}: estimates of E[K^2]/E[K]^2 against the number of draws N (log-log) on "
                "nested prefixes of the same draws, beta = 0.25 to 2 at widths 16 and 32: the plain "
                "ratio (bounded by N, grey line), the log-normal plug-in R_log with its chi-square "
                "band (hollow where the normality test of log K rejects), exp(5 beta) and, for ReLU, "
                "the exact finite-width theory."
            ),
            category=MONTE_CARLO,
            subcategory="Convergence with the number of draws",
            inputs={"ds": "convergence"},
            plot="finite_ntk.papers.seed000.convergence_plots:plot_convergence",
            arguments={"activation": activation, "significance": FromConfig("heavy_tails.significance")},
        )
        for letter, activation, label in (
            ("a", "relu", "ReLU"),
            ("b", "gelu", "GELU"),
            ("c", "sigmoid", "sigmoid-like"),
        )
    ),
)
