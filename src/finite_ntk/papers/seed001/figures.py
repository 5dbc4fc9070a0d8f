"""Seed 001's figures (Seleznova & Kutyniok): maps of the NTK's normalised second moment
(Figures 1, 2, 7), Lemma 2's kappas (5, 6) and the training maps (3, 4, 8-11). Plain data,
as :mod:`finite_ntk.figures` describes."""

from __future__ import annotations

from finite_ntk.figures import Figure, FromConfig, Source

CATEGORY = "Seed 001: NTK phase diagrams"  # the HTML report's category of every figure

SOURCES: dict[str, Source] = {
    # R = E[K^2]/E[K]^2 over (activation, sigma_b^2, width, sigma_w^2, depth) with the
    # order/chaos border (Figures 1, 2, 7); Lemma 2's kappas against depth (5, 6).
    "seed001_phase": Source(("seed001/phase_stats.nc",), many=False),
    "seed001_kappa": Source(("seed001/kappa.nc",), many=False),
    # Gradient-descent training over (activation, width, sigma_w^2, depth): the NTK's
    # relative change at snapshot steps and at the end, the minimal loss, the run's status
    # (Figures 3, 4, 8-11).
    "seed001_training": Source(("seed001/training_stats.nc",), many=False),
}

FIGURES: tuple[Figure, ...] = (
    Figure(
        name="seed001fig1a",
        original="Seed 001, Figure 1a",
        caption=(
            "tanh: log10 of R = E[K(x,x)^2]/E[K(x,x)]^2 over (sigma_w^2, depth L), one panel per "
            "width M; contours where std/mean reaches each of the config's thresholds (R = 1 + "
            "t^2), dashed: the order/chaos border chi_1 = 1, x: saturated estimates, blank: not "
            "sampled."
        ),
        category=CATEGORY,
        subcategory="Maps of the second moment",
        inputs={"stats": "seed001_phase"},
        plot="finite_ntk.papers.seed001.plots:plot_phase_maps",
        arguments={
            "activation": "tanh",
            "panels": "width",
            "bias_variances": FromConfig("seed001.maps.bias_variance"),
            "relative_std_thresholds": FromConfig("seed001.relative_std_thresholds"),
            "title": "tanh: NTK second moment over depth and weight variance",
        },
    ),
    Figure(
        name="seed001fig1b",
        original="Seed 001, Figure 1b",
        caption="The same for ReLU, whose border lies at sigma_w^2 = 2.",
        category=CATEGORY,
        subcategory="Maps of the second moment",
        inputs={"stats": "seed001_phase"},
        plot="finite_ntk.papers.seed001.plots:plot_phase_maps",
        arguments={
            "activation": "relu",
            "panels": "width",
            "bias_variances": FromConfig("seed001.maps.bias_variance"),
            "relative_std_thresholds": FromConfig("seed001.relative_std_thresholds"),
            "title": "ReLU: NTK second moment over depth and weight variance",
        },
    ),
    Figure(
        name="seed001fig2",
        original="Seed 001, Figure 2",
        caption=(
            "ReLU: R against depth L (a) and against L/M (b) at four (sigma_w^2, sigma_b^2), one "
            "curve per width M; bands: bootstrap intervals, hollow: saturated estimates."
        ),
        category=CATEGORY,
        subcategory="Second moment against depth",
        inputs={"stats": "seed001_phase"},
        plot="finite_ntk.papers.seed001.plots:plot_depth_curves",
        arguments={
            "activation": FromConfig("seed001.depth_curves.activation"),
            "points": FromConfig("seed001.depth_curves.points"),
            "relative_std_thresholds": FromConfig("seed001.relative_std_thresholds"),
            "title": "R against depth and depth-to-width ratio",
        },
    ),
    Figure(
        name="seed001fig5",
        original="Seed 001, Figure 5",
        caption=(
            "kappa_2 of Lemma 2 against depth for erf (top) and ReLU (bottom) at one point of the "
            "ordered phase, of the border and of the chaotic phase; colour: input covariance "
            "q^0_sr, dashed: kappa_1."
        ),
        category=CATEGORY,
        subcategory="Lemma 2's kappas",
        inputs={"kappa": "seed001_kappa"},
        plot="finite_ntk.papers.seed001.plots:plot_kappa",
        arguments={"quantity": "kappa_2", "title": "$\\kappa_2$ against depth"},
    ),
    Figure(
        name="seed001fig6",
        original="Seed 001, Figure 6",
        caption="kappa_1/kappa_2 against depth at the same points; colour: input covariance q^0_sr.",
        category=CATEGORY,
        subcategory="Lemma 2's kappas",
        inputs={"kappa": "seed001_kappa"},
        plot="finite_ntk.papers.seed001.plots:plot_kappa",
        arguments={"quantity": "kappa_ratio", "title": "$\\kappa_1 / \\kappa_2$ against depth"},
    ),
    Figure(
        name="seed001fig7",
        original="Seed 001, Figure 7",
        caption=(
            "As Figure 1 at one width for several sigma_b^2, tanh (top) and ReLU (bottom): the "
            "tanh border moves with sigma_b^2, the ReLU border stays at sigma_w^2 = 2."
        ),
        category=CATEGORY,
        subcategory="Maps of the second moment",
        inputs={"stats": "seed001_phase"},
        plot="finite_ntk.papers.seed001.plots:plot_phase_maps",
        arguments={
            "activation": FromConfig("seed001.activations"),
            "panels": "bias_variance",
            "widths": FromConfig("seed001.bias_maps.width"),
            "bias_variances": FromConfig("seed001.bias_maps.bias_variances"),
            "relative_std_thresholds": FromConfig("seed001.relative_std_thresholds"),
            "title": "NTK second moment for several bias variances",
        },
    ),
    Figure(
        name="seed001fig3",
        original="Seed 001, Figure 3",
        caption=(
            "tanh networks of the main width trained by full-batch gradient descent on 128 "
            "training samples (by default scikit-learn's digits, a substitute for MNIST; the "
            "figure's title names the data set): (a) the relative NTK change ||Theta_T - "
            "Theta_0||_F / ||Theta_0||_F at the end of training and (b) the minimal loss reached, "
            "over (sigma_w^2, depth L), log colour scales. Dashed: the order/chaos border chi_1 = "
            "1, hatched: diverged runs, dot: stopped early (the others ran to the step cap), "
            "blank: not trained."
        ),
        category=CATEGORY,
        subcategory="Training",
        inputs={"stats": "seed001_training"},
        plot="finite_ntk.papers.seed001.plots:plot_training_maps",
        arguments={"activation": "tanh", "panels": "quantity", "title": "NTK change and minimal loss after training"},
    ),
    Figure(
        name="seed001fig4",
        original="Seed 001, Figure 4",
        caption="The same for ReLU networks, whose border lies at sigma_w^2 = 2.",
        category=CATEGORY,
        subcategory="Training",
        inputs={"stats": "seed001_training"},
        plot="finite_ntk.papers.seed001.plots:plot_training_maps",
        arguments={"activation": "relu", "panels": "quantity", "title": "NTK change and minimal loss after training"},
    ),
    Figure(
        name="seed001fig8",
        original="Seed 001, Figure 8",
        caption=(
            "tanh, main width: the relative NTK change after each snapshot number of "
            "gradient-descent steps (one shared log colour scale), trained as in Figure 3 on 128 "
            "training samples (by default scikit-learn's digits, a substitute for MNIST; the "
            "figure's title names the data set); hatched: diverged runs, dot: stopped early by "
            "that step, blank: not trained or no value at that step."
        ),
        category=CATEGORY,
        subcategory="Training",
        inputs={"stats": "seed001_training"},
        plot="finite_ntk.papers.seed001.plots:plot_training_maps",
        arguments={"activation": "tanh", "panels": "snapshot", "title": "NTK change after each snapshot step"},
    ),
    Figure(
        name="seed001fig9",
        original="Seed 001, Figure 9",
        caption="The same for ReLU networks, trained as in Figure 4.",
        category=CATEGORY,
        subcategory="Training",
        inputs={"stats": "seed001_training"},
        plot="finite_ntk.papers.seed001.plots:plot_training_maps",
        arguments={"activation": "relu", "panels": "snapshot", "title": "NTK change after each snapshot step"},
    ),
    Figure(
        name="seed001fig10",
        original="Seed 001, Figure 10",
        caption=(
            "tanh: the relative NTK change at the end of training for each width M (one shared "
            "log colour scale), trained as in Figure 3 on 128 training samples (by default "
            "scikit-learn's digits, a substitute for MNIST; the figure's title names the data "
            "set); hatched: diverged runs, dot: stopped early, blank: not trained."
        ),
        category=CATEGORY,
        subcategory="Training",
        inputs={"stats": "seed001_training"},
        plot="finite_ntk.papers.seed001.plots:plot_training_maps",
        arguments={"activation": "tanh", "panels": "width", "title": "NTK change at the end of training for each width"},
    ),
    Figure(
        name="seed001fig11",
        original="Seed 001, Figure 11",
        caption="The same for ReLU networks, trained as in Figure 4.",
        category=CATEGORY,
        subcategory="Training",
        inputs={"stats": "seed001_training"},
        plot="finite_ntk.papers.seed001.plots:plot_training_maps",
        arguments={"activation": "relu", "panels": "width", "title": "NTK change at the end of training for each width"},
    ),
)
