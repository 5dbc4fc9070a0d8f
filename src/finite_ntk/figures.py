"""The figure registry: every figure of the workflow, declared once.

Each entry says what the figure is (name, the original it reproduces, caption), where it
goes in Snakemake's HTML report (category), what it reads (its data sources), how it is
drawn (a plotting function and its arguments) and which config fields change it. The
rules (one plotting job per figure), the LaTeX report's figure index, the figure diff and
the tests all derive from ``FIGURES``; adding a figure is one entry here and one plotting
function. Plain data: importing this module imports no JAX or matplotlib (Snakemake reads
it when it parses the workflow).

Calling convention of a plotting function: keyword arguments, one per data source of the
entry (a dataset for a single-file source, a list of datasets for a many-file one), then
the entry's ``arguments``, where a :class:`FromConfig` value is replaced by the config
value at its dotted path. It returns a matplotlib figure.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, NamedTuple

from .config import config_value


class Source(NamedTuple):
    """A kind of data product a figure reads. ``files`` are patterns relative to the run's
    data directory (``data/<run>/``), used by the figure diff; the workflow resolves the
    exact files of a run from its config (``workflow/rules/common.smk``)."""

    files: tuple[str, ...]
    many: bool  # a list of datasets (True) or one dataset (False)


SOURCES: dict[str, Source] = {
    # Monte-Carlo statistics of each model (Theorems 1 and 2).
    "stats_fnn": Source(("ntk_stats_fnn.nc",), many=False),
    "stats_pinn": Source(("ntk_stats_pinn.nc",), many=False),
    # The FNN training run a figure shows (config: training.fnn.figures[<figure>]).
    "fnn_run": Source(("training/fnn_*.nc",), many=False),
    # Every FNN and every PINN training run (config order); the PINN run a figure shows
    # (config: training.pinn.figure) and the other PINN runs.
    "fnn_runs": Source(("training/fnn_*.nc",), many=True),
    "pinn_runs": Source(("training/pinn_*.nc",), many=True),
    "pinn_run": Source(("training/pinn_*.nc",), many=False),
    "pinn_others": Source(("training/pinn_*.nc",), many=True),
    # The NTK at initialisation over widths and depths (Figure 8).
    "init_kernels": Source(("training/ntk_init.nc",), many=False),
    # Seed 002: the deep kernel against depth for synthetic and digit points (Figures 4,
    # 5), the projection term (6), the smallest eigenvalue (7), Table 1's widths.
    "seed002_convergence_synthetic": Source(("seed002/convergence_synthetic.nc",), many=False),
    "seed002_convergence_digits": Source(("seed002/convergence_digits.nc",), many=False),
    "seed002_projection": Source(("seed002/projection.nc",), many=False),
    "seed002_eigenvalues": Source(("seed002/eigenvalues.nc",), many=False),
    "seed002_lazy": Source(("seed002/lazy/w*.nc",), many=True),
    # Seed 001: R = E[K^2]/E[K]^2 over (activation, sigma_b^2, width, sigma_w^2, depth) with
    # the order/chaos border (Figures 1, 2, 7); Lemma 2's kappas against depth (5, 6).
    "seed001_phase": Source(("seed001/phase_stats.nc",), many=False),
    "seed001_kappa": Source(("seed001/kappa.nc",), many=False),
    # Seed 001: gradient-descent training over (activation, width, sigma_w^2, depth): the
    # NTK's relative change at snapshot steps and at the end, the minimal loss, the run's
    # status (Figures 3, 4, 8-11).
    "seed001_training": Source(("seed001/training_stats.nc",), many=False),
}


@dataclass(frozen=True)
class FromConfig:
    """A plotting argument taken from the config at a dotted path, e.g. ``activations``."""

    path: str

    def resolve(self, config: Mapping[str, Any]) -> Any:
        return config_value(config, self.path)


@dataclass(frozen=True)
class Figure:
    """One figure: ``figures/<run>/<name>.{pdf,png}``."""

    name: str
    original: str  # what it reproduces ("Figure 1a"; "" for a figure of our own)
    caption: str  # one or two sentences: the HTML report's caption and the index's
    category: str  # Snakemake HTML report category and subcategory
    subcategory: str
    inputs: Mapping[str, str]  # plotting-function argument -> SOURCES key
    plot: str  # "module:function", imported when the figure is drawn
    arguments: Mapping[str, Any] = field(default_factory=dict)
    latex_label: str = ""  # its LaTeX label in report/src; default fig:<name without "fig">

    def __post_init__(self) -> None:
        unknown = set(self.inputs.values()) - set(SOURCES)
        if unknown:
            raise ValueError(f"figure {self.name}: unknown data sources {sorted(unknown)}; allowed: {', '.join(SOURCES)}")

    @property
    def label(self) -> str:
        """LaTeX label of the figure in the report: fig1a -> fig:1a."""
        return self.latex_label or "fig:" + self.name.removeprefix("fig")

    def config_fields(self) -> list[str]:
        """Dotted config paths its arguments read (the plotting job's params)."""
        return sorted(value.path for value in self.arguments.values() if isinstance(value, FromConfig))

    def data_patterns(self) -> tuple[str, ...]:
        """Files it is drawn from, as patterns relative to the data directory."""
        patterns = (pattern for source in self.inputs.values() for pattern in SOURCES[source].files)
        return tuple(dict.fromkeys(patterns))

    def plotting_function(self) -> Callable[..., Any]:
        module, function = self.plot.split(":")
        return getattr(importlib.import_module(module), function)

    def draw(self, datasets: Mapping[str, Any], config: Mapping[str, Any]) -> Any:
        """The matplotlib figure from its datasets (argument -> dataset, or list of
        datasets for a many-file source) and the config."""
        missing = set(self.inputs) - set(datasets)
        if missing:
            raise ValueError(f"figure {self.name}: missing data for {sorted(missing)}")
        arguments = {
            name: value.resolve(config) if isinstance(value, FromConfig) else value
            for name, value in self.arguments.items()
        }
        return self.plotting_function()(**{name: datasets[name] for name in self.inputs}, **arguments)


_MC = "finite_ntk.plotting.monte_carlo:"
_SEED002 = "finite_ntk.plotting.deep_kernel:"
SEED002 = "Seed 002: the deep NTK"
_SEED001 = "finite_ntk.plotting.phase_diagram:"
SEED001 = "Seed 001: NTK phase diagrams"
SEED001_THRESHOLDS = FromConfig("seed001.relative_std_thresholds")
_TRAINING = "finite_ntk.plotting.training:"
MONTE_CARLO = "Monte Carlo: Theorems 1 and 2"
TRAINING = "Training"
ACTIVATIONS = FromConfig("activations")
LARGE_BETA = FromConfig("monte_carlo.large_beta")

FIGURES: tuple[Figure, ...] = (
    Figure("fig1a", "Figure 1a", "FNN, ReLU: normalised second moment E[K^2]/E[K]^2 against beta (log-linear) with exp(5 beta); bootstrap 95% intervals, saturated estimates hollow.", MONTE_CARLO, "FNN",
           {"stats": "stats_fnn"}, _MC + "plot_second_moment",
           {"activations": ["relu"], "title": "FNN, ReLU: Theorem 1"}),
    Figure("fig1b", "Figure 1b", "FNN, ReLU: parity plot (log-log) of abs(E[dK]/E[K]) after one SGD step against the Theorem 2 scaling (d beta / n0) exp(5 beta) lr, with y = x; configurations with large beta highlighted.", MONTE_CARLO, "FNN",
           {"stats": "stats_fnn"}, _MC + "plot_parity",
           {"activation": "relu", "large_beta": LARGE_BETA, "title": "FNN, ReLU: Theorem 2"}),
    Figure("fig2a", "Figure 2a", "FNN: normalised second moment against beta for ReLU (red), GELU (blue) and the sigmoid-like erf activation (green).", MONTE_CARLO, "FNN",
           {"stats": "stats_fnn"}, _MC + "plot_second_moment",
           {"activations": ACTIVATIONS, "title": "FNN: second moment"}),
    Figure("fig2b", "Figure 2b", "FNN: abs(E[dK]/E[K]) against beta for ReLU (red), GELU (blue) and sigmoid-like (green).", MONTE_CARLO, "FNN",
           {"stats": "stats_fnn"}, _MC + "plot_relative_change",
           {"activations": ACTIVATIONS, "title": "FNN: relative NTK change"}),
    Figure("fig3a", "Figure 3a", "PINN, ReLU: normalised second moment of the value kernel K_uu against beta with exp(5 beta).", MONTE_CARLO, "PINN",
           {"stats": "stats_pinn"}, _MC + "plot_second_moment",
           {"activations": ["relu"], "operator": "uu", "title": "PINN, ReLU: Theorem 1"}),
    Figure("fig3b", "Figure 3b", "PINN, ReLU: parity plot of abs(E[dK_uu]/E[K_uu]) against the Theorem 2 scaling, with y = x.", MONTE_CARLO, "PINN",
           {"stats": "stats_pinn"}, _MC + "plot_parity",
           {"activation": "relu", "operator": "uu", "large_beta": LARGE_BETA, "title": "PINN, ReLU: Theorem 2"}),
    Figure("fig4a", "Figure 4a", "PINN: normalised second moment of K_uu against beta for ReLU (red), GELU (blue) and sigmoid-like (green).", MONTE_CARLO, "PINN",
           {"stats": "stats_pinn"}, _MC + "plot_second_moment",
           {"activations": ACTIVATIONS, "operator": "uu", "title": "PINN: second moment of $K_{uu}$"}),
    Figure("fig4b", "Figure 4b", "PINN: abs(E[dK_uu]/E[K_uu]) against beta for the three activations.", MONTE_CARLO, "PINN",
           {"stats": "stats_pinn"}, _MC + "plot_relative_change",
           {"activations": ACTIVATIONS, "operator": "uu", "title": "PINN: relative change of $K_{uu}$"}),
    Figure("figS2a", "", "PINN: normalised second moment of the residual kernel K_rr = abs(d/dtheta Laplacian u)^2 against beta (ReLU left out: K_rr vanishes identically).",
           MONTE_CARLO, "PINN residual kernel",
           {"stats": "stats_pinn"}, _MC + "plot_second_moment",
           {"activations": ACTIVATIONS, "operator": "rr", "title": "PINN: second moment of $K_{rr}$"}),
    Figure("figS2b", "", "PINN: relative change of K_rr after one SGD step against beta.",
           MONTE_CARLO, "PINN residual kernel",
           {"stats": "stats_pinn"}, _MC + "plot_relative_change",
           {"activations": ACTIVATIONS, "operator": "rr", "title": "PINN: relative change of $K_{rr}$"}),
    Figure("fig5", "Figure 5", "ReLU FNN of depth 1 (report: width 512, N = 200 points): heatmaps of (a) the infinite-width NTK, (b) the empirical NTK at initialisation, (c) after training.",
           TRAINING, "FNN", {"ds": "fnn_run"}, _TRAINING + "fnn_triptych"),
    Figure("fig6", "Figure 6", "PINN: the value kernel K_uu at initialisation, the infinite-width K_uu and K_uu after training, on one colour scale (report: width 512, beta 0.0039).",
           TRAINING, "PINN", {"ds": "pinn_run"}, _TRAINING + "pinn_triptych", {"kernel": "uu"}, latex_label="fig:6a"),
    Figure("fig6b", "", "PINN: the residual kernel K_rr = <d/dtheta Laplacian u(x), d/dtheta Laplacian u(x')> at initialisation, its infinite-width limit (smooth activations) and after training, on one colour scale.",
           TRAINING, "PINN", {"ds": "pinn_run"}, _TRAINING + "pinn_triptych", {"kernel": "rr"}),
    Figure("fig7", "Figure 7", "Poisson problem: exact solution, PINN prediction on the test grid, error of the prediction, and the training loss.",
           TRAINING, "PINN", {"ds": "pinn_run", "others": "pinn_others"}, _TRAINING + "plot_poisson_solution"),
    Figure("fig8", "Figure 8", "NTK heatmaps at initialisation as beta -> 0 (several widths and depths).",
           TRAINING, "FNN", {"ds": "init_kernels"}, _TRAINING + "plot_init_kernels"),
    Figure("fig9", "Figure 9", "FNN, shallow architecture (report: width 512, depth 1): NTK at initialisation and after training, eigenvalue spectra, prediction against the sine target on [-1, 1].",
           TRAINING, "FNN", {"ds": "fnn_run"}, _TRAINING + "plot_training_comparison", {"label": "Figure 9: "}),
    Figure("fig10", "Figure 10", "FNN, deep architecture (report: width 512, depth 10): NTK at initialisation and after training, eigenvalue spectra, prediction against the sine target on [-1, 1].",
           TRAINING, "FNN", {"ds": "fnn_run"}, _TRAINING + "plot_training_comparison", {"label": "Figure 10: "}),
    Figure("figS1", "(footnote 1)", "Relative NTK change abs(K_t - K_0)_F / abs(K_0)_F against the training step for several beta (the report's footnote 1).",
           TRAINING, "NTK evolution", {"datasets": "fnn_runs", "pinn": "pinn_runs"}, _TRAINING + "plot_kernel_evolution"),
    Figure("seed002fig4", "Seed 002, Figure 4", "Synthetic points (uniform in a box, projected onto the sphere) and one evaluation point x: against depth L, one curve per pair, 1 - rho^(L) with the law 9 pi^2/(2 L^2), the normalised NTK (limit 1/4) and its gap to 1/4.",
           SEED002, "Kernel against depth", {"ds": "seed002_convergence_synthetic"}, _SEED002 + "plot_convergence",
           {"title": "Synthetic points on the sphere"}),
    Figure("seed002fig5", "Seed 002, Figure 5", "The same for images of scikit-learn's bundled digits (8 x 8, in place of the paper's MNIST) projected onto the sphere.",
           SEED002, "Kernel against depth", {"ds": "seed002_convergence_digits"}, _SEED002 + "plot_convergence",
           {"title": "scikit-learn digits on the sphere"}),
    Figure("seed002fig6", "Seed 002, Figure 6", "Norm of the projection term Theta(x, X) Theta^-1 (I - exp(-t Theta)) of the NTK predictor against depth, for bounded stopping times t and t = inf (largest and median over evaluation points); synthetic points and scikit-learn digits on the sphere.",
           SEED002, "NTK predictor", {"ds": "seed002_projection"}, _SEED002 + "plot_projection"),
    Figure("seed002fig7", "Seed 002, Figure 7", "Smallest eigenvalue of the normalised NTK matrix against depth for several data-set sizes n, points uniform on the sphere.",
           SEED002, "NTK predictor", {"ds": "seed002_eigenvalues"}, _SEED002 + "plot_smallest_eigenvalue"),
    Figure("seed002table1", "Seed 002, Table 1 (scaled)", "Two-layer ReLU network in the NTK scaling trained on a one-hot token task: the last hidden layer's aggregate deviation from initialisation and its single neurons' deviations against width (log-log).",
           SEED002, "Lazy regime", {"datasets": "seed002_lazy"}, _SEED002 + "plot_lazy_deviation"),
    Figure("seed001fig1a", "Seed 001, Figure 1a", "tanh: log10 of R = E[K(x,x)^2]/E[K(x,x)]^2 over (sigma_w^2, depth L), one panel per width M; contours where std/mean reaches each of the config's thresholds (R = 1 + t^2), dashed: the order/chaos border chi_1 = 1, x: saturated estimates, blank: not sampled.",
           SEED001, "Maps of the second moment", {"stats": "seed001_phase"}, _SEED001 + "plot_phase_maps",
           {"activation": "tanh", "panels": "width", "bias_variances": FromConfig("seed001.maps.bias_variance"),
            "relative_std_thresholds": SEED001_THRESHOLDS, "title": "tanh: NTK second moment over depth and weight variance"}),
    Figure("seed001fig1b", "Seed 001, Figure 1b", "The same for ReLU, whose border lies at sigma_w^2 = 2.",
           SEED001, "Maps of the second moment", {"stats": "seed001_phase"}, _SEED001 + "plot_phase_maps",
           {"activation": "relu", "panels": "width", "bias_variances": FromConfig("seed001.maps.bias_variance"),
            "relative_std_thresholds": SEED001_THRESHOLDS, "title": "ReLU: NTK second moment over depth and weight variance"}),
    Figure("seed001fig2", "Seed 001, Figure 2", "ReLU: R against depth L (a) and against L/M (b) at four (sigma_w^2, sigma_b^2), one curve per width M; bands: bootstrap intervals, hollow: saturated estimates.",
           SEED001, "Second moment against depth", {"stats": "seed001_phase"}, _SEED001 + "plot_depth_curves",
           {"activation": FromConfig("seed001.depth_curves.activation"), "points": FromConfig("seed001.depth_curves.points"),
            "relative_std_thresholds": SEED001_THRESHOLDS, "title": "R against depth and depth-to-width ratio"}),
    Figure("seed001fig5", "Seed 001, Figure 5", "kappa_2 of Lemma 2 against depth for erf (top) and ReLU (bottom) at one point of the ordered phase, of the border and of the chaotic phase; colour: input covariance q^0_sr, dashed: kappa_1.",
           SEED001, "Lemma 2's kappas", {"kappa": "seed001_kappa"}, _SEED001 + "plot_kappa",
           {"quantity": "kappa_2", "title": r"$\kappa_2$ against depth"}),
    Figure("seed001fig6", "Seed 001, Figure 6", "kappa_1/kappa_2 against depth at the same points; colour: input covariance q^0_sr.",
           SEED001, "Lemma 2's kappas", {"kappa": "seed001_kappa"}, _SEED001 + "plot_kappa",
           {"quantity": "kappa_ratio", "title": r"$\kappa_1 / \kappa_2$ against depth"}),
    Figure("seed001fig7", "Seed 001, Figure 7", "As Figure 1 at one width for several sigma_b^2, tanh (top) and ReLU (bottom): the tanh border moves with sigma_b^2, the ReLU border stays at sigma_w^2 = 2.",
           SEED001, "Maps of the second moment", {"stats": "seed001_phase"}, _SEED001 + "plot_phase_maps",
           {"activation": FromConfig("seed001.activations"), "panels": "bias_variance",
            "widths": FromConfig("seed001.bias_maps.width"), "bias_variances": FromConfig("seed001.bias_maps.bias_variances"),
            "relative_std_thresholds": SEED001_THRESHOLDS, "title": "NTK second moment for several bias variances"}),
    Figure("seed001fig3", "Seed 001, Figure 3", "tanh networks of the main width trained by full-batch gradient descent on 128 training samples (by default scikit-learn's digits, a substitute for MNIST; the figure's title names the data set): (a) the relative NTK change ||Theta_T - Theta_0||_F / ||Theta_0||_F at the end of training and (b) the minimal loss reached, over (sigma_w^2, depth L), log colour scales. Dashed: the order/chaos border chi_1 = 1, hatched: diverged runs, dot: stopped early (the others ran to the step cap), blank: not trained.",
           SEED001, "Training", {"stats": "seed001_training"}, _SEED001 + "plot_training_maps",
           {"activation": "tanh", "panels": "quantity", "title": "NTK change and minimal loss after training"}),
    Figure("seed001fig4", "Seed 001, Figure 4", "The same for ReLU networks, whose border lies at sigma_w^2 = 2.",
           SEED001, "Training", {"stats": "seed001_training"}, _SEED001 + "plot_training_maps",
           {"activation": "relu", "panels": "quantity", "title": "NTK change and minimal loss after training"}),
    Figure("seed001fig8", "Seed 001, Figure 8", "tanh, main width: the relative NTK change after each snapshot number of gradient-descent steps (one shared log colour scale), trained as in Figure 3 on 128 training samples (by default scikit-learn's digits, a substitute for MNIST; the figure's title names the data set); hatched: diverged runs, dot: stopped early by that step, blank: not trained or no value at that step.",
           SEED001, "Training", {"stats": "seed001_training"}, _SEED001 + "plot_training_maps",
           {"activation": "tanh", "panels": "snapshot", "title": "NTK change after each snapshot step"}),
    Figure("seed001fig9", "Seed 001, Figure 9", "The same for ReLU networks, trained as in Figure 4.",
           SEED001, "Training", {"stats": "seed001_training"}, _SEED001 + "plot_training_maps",
           {"activation": "relu", "panels": "snapshot", "title": "NTK change after each snapshot step"}),
    Figure("seed001fig10", "Seed 001, Figure 10", "tanh: the relative NTK change at the end of training for each width M (one shared log colour scale), trained as in Figure 3 on 128 training samples (by default scikit-learn's digits, a substitute for MNIST; the figure's title names the data set); hatched: diverged runs, dot: stopped early, blank: not trained.",
           SEED001, "Training", {"stats": "seed001_training"}, _SEED001 + "plot_training_maps",
           {"activation": "tanh", "panels": "width", "title": "NTK change at the end of training for each width"}),
    Figure("seed001fig11", "Seed 001, Figure 11", "The same for ReLU networks, trained as in Figure 4.",
           SEED001, "Training", {"stats": "seed001_training"}, _SEED001 + "plot_training_maps",
           {"activation": "relu", "panels": "width", "title": "NTK change at the end of training for each width"}),
)

FIGURES_BY_NAME: dict[str, Figure] = {figure.name: figure for figure in FIGURES}
