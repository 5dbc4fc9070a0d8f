r"""Seed 001, Section 5: Lemma 1, the NTK-regression output (10) and Theorem 3's output
variance, in theory and in three Monte Carlos, each a step further from the theorem's premises.

The setting (Section 5, Appendix B)
-----------------------------------
A network of L hidden layers of width M (standard parameterisation, weights and biases
trained, the readout's weight variance sigma_ro^2 = sigma_w^2 unless
``seed001.network.readout_weight_variance`` says otherwise) is trained by gradient flow on
S points X = (x_1 .. x_S) with targets Y and the loss 1/(2S) sum_s (f(x_s) - y_s)^2. With a
constant NTK Theta it converges to eq. (10)::

    f^inf(x) = Theta(x, X) Theta(X)^-1 Y + f^0(x) - Theta(x, X) Theta(X)^-1 f^0(X).

Lemma 1 (our layer L + 1 is the paper's output layer L)::

    Var f^0(x) = q^{L+1}(x) = sigma_ro^2 qhat^L(x) + sigma_b^2 =: Q,
    Cov(f^0(x_s), f^0(x_r)) = sigma_ro^2 qhat^L_sr + sigma_b^2 =: Q_sr.

Lemma 2 (:mod:`finite_ntk.mean_field`): the deterministic NTK is alpha M (Lambda + O(1/M)),
kappa_1 on the diagonal and kappa_2 off it; the data-independent form is
Theta_bar = alpha M ((kappa_1 - kappa_2) I + kappa_2 1 1^T).

The points. Here every pair of the S + 1 points (a test point x_0 = x and x_1 .. x_S) has the
same covariance: |x_i|^2 / n0 = q^0 (``seed001.network.input_length``) and
x_i . x_j / n0 = q^0_sr (``seed001.theorem3.input_covariance``) for i != j, with
x_i = sqrt(n0 q^0) (sqrt(c) e_0 + sqrt(1 - c) e_{i+1}), c = q^0_sr / q^0, in dimension
n0 = M (alpha_0 = n0 / M = 1, as Figures 5 and 6; n0 >= S + 2). With Gaussian weights the law
of the network's outputs and NTK on these points depends only on these inner products, so
the data-independent form of Lemma 2 is exact here (the theorem's eps(X) = 0) and q^L,
q^L_sr, kappa_1, kappa_2 are their "bar" limits. The targets are y_s = (-1)^s.

Theorem 3 (Appendix B, checked). v = Theta(x, X) Theta(X)^-1 is a row vector; with
Theta(x, X) = theta_2 1^T and Theta(X) = (theta_1 - theta_2) I + theta_2 1 1^T, 1 is an
eigenvector of Theta(X) (eigenvalue theta_1 + (S - 1) theta_2), so::

    v = theta_2 / (theta_1 + (S - 1) theta_2) 1^T = (A / S) 1^T,  A = S / (theta_1/theta_2 + S - 1),

with A = Theorem 3's A when theta_1 / theta_2 = kappa_1 / kappa_2. Then
f^inf(x) - E f^inf(x) = f^0(x) - (A/S) 1^T f^0(X), whose variance is exactly::

    Var f^inf(x) = Q - 2 A Q_sr + A^2 (Q / S + (1 - 1/S) Q_sr)
                 = (1 + A^2 / S)(Q - Q_sr) + (A - 1)^2 Q_sr,

Theorem 3's expression, with equality for these points (the theorem's "~" is the
approximation of a general data set by its data-independent form). The variance does not
depend on Y. ``theorem_variance`` is the closed form; ``direct_variance`` solves eq. (10)'s
linear system with the mean-field matrices and expands Var (Q - 2 v k + v K v^T), the second
way.

The three Monte Carlos
----------------------
(a) eq. (10) with Theta_bar (Lemma 2's kappas) and f^0 ~ N(0, K) of Lemma 1, K the NNGP
    matrix (Q on the diagonal, Q_sr off it): the theorem's own premises, so its variance
    must agree with the closed form within Monte-Carlo error (``gaussian_variance``; a test
    asserts it).
(b) eq. (10) with the empirical NTK Theta_0 of finite networks of width M and f^0 of the
    same network (``network_draws``), at the widths of ``seed001.theorem3.widths``; the
    reference of each draw is eq. (10) with the mean-field NTK Theta*_M of that width (Lemma
    2's alpha M kappa plus the trained biases' part, :mod:`finite_ntk.papers.seed001.learning_rate`)
    and the same f^0: its distance to the draw's (b) output is the finite-width effect.
    Lemma 1 is checked on the same draws (the sample variance of f^0(x), the sample
    covariance of f^0(x) with f^0(x_s)).
(c) the same networks (the first ``seed001.theorem3.training.replicates`` draws of the (b)
    cells at its ``width`` and ``depths``) trained by full-batch gradient descent on (X, Y)
    with the loss above for ``seed001.theorem3.training.steps`` steps at
    lr = z S / lambda_max(Theta*_M(X)), z = ``seed001.theorem3.training.stability``: flow
    time tau = steps x lr, the theory kernel's top mode multiplied by 1 - z per step. Beside
    it, the linearised network's gradient descent over the same steps from the same
    Theta_0 (``linearised_descent``, exact for a constant NTK): (c) against it is the effect
    of the NTK moving; it against (b) is how far gradient descent is from t = inf.

Intervals: a variance's 95 % interval is s^2 +- 1.96 SE with SE^2 = (m_4 - s^4 (n - 3)/(n - 1)) / n
(m_4 the sample's fourth central moment: no normality assumed); a mean square's is
mean +- 1.96 SE of the mean. Everything is float64 (the NTK solves are ill-conditioned in the
ordered phase), whatever the run's ``precision``.

Seeds: draw i of the (b) cell (activation, phase, width, depth) is drawn by its own numpy
generator ``numpy_generator(root_seed, "seed001_theorem3/activation=.../phase=.../width=.../depth=.../draw=i")``
(:mod:`finite_ntk.seeding`), so a draw never depends on how many draws or cells the config
asks for, nor on how they are batched; (a)'s generator is seeded from its (activation,
phase, depth) identity.

numpy at import; JAX is imported by the functions that need it (Snakemake imports
:func:`check_theorem3_config` when it parses).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple, Sequence

import numpy as np

if TYPE_CHECKING:
    import xarray as xr

PHASES: tuple[str, ...] = ("ordered", "border", "chaotic")  # settings.KAPPA_PHASES, Figures 5 and 6
EXPERIMENT = "seed001_theorem3"
Z_95 = 1.959963984540054
SINGULAR = 1e-13  # a kernel matrix whose smallest eigenvalue is at most this of its largest is singular
# The config fields theorem3.nc depends on (the rule's params).
THEOREM3_FIELDS: tuple[str, ...] = (
    "root_seed",
    "seed001.network.input_length",
    "seed001.network.readout_weight_variance",
    "seed001.kappa.bias_variance",
    "seed001.kappa.border_multiples",
    "seed001.theorem3",
)

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


# --------------------------------------------------------------------------- settings


class Theorem3Settings(NamedTuple):
    """The config's ``seed001.theorem3`` section with the fields it shares (module docstring)."""

    root_seed: int
    activations: tuple[str, ...]  # theory and Monte Carlo (a)
    network_activations: tuple[str, ...]  # (b), (c)
    samples: int  # S
    input_length: float  # q^0 = |x|^2 / n0
    input_covariance: float  # q^0_sr = x_s . x_r / n0
    bias_variance: float
    border_multiples: Mapping[str, float]
    readout_weight_variance: float | None  # None: sigma_w^2
    max_depth: int
    depths: tuple[int, ...]  # Monte-Carlo depths
    gaussian_draws: int
    widths: tuple[int, ...]
    replicates: int
    training_width: int
    training_depths: tuple[int, ...]
    training_replicates: int
    training_steps: int
    stability: float


def settings_from_config(config: Mapping[str, Any]) -> Theorem3Settings:
    """The :class:`Theorem3Settings` of a (validated) config."""
    section = config["seed001"]
    t3 = section["theorem3"]
    training = t3["training"]
    readout = section["network"]["readout_weight_variance"]
    return Theorem3Settings(
        root_seed=int(config["root_seed"]),
        activations=tuple(t3["activations"]),
        network_activations=tuple(t3["network_activations"]),
        samples=int(t3["samples"]),
        input_length=float(section["network"]["input_length"]),
        input_covariance=float(t3["input_covariance"]),
        bias_variance=float(section["kappa"]["bias_variance"]),
        border_multiples={phase: float(section["kappa"]["border_multiples"][phase]) for phase in PHASES},
        readout_weight_variance=None if readout is None else float(readout),
        max_depth=int(t3["max_depth"]),
        depths=tuple(int(d) for d in t3["depths"]),
        gaussian_draws=int(t3["gaussian_draws"]),
        widths=tuple(int(m) for m in t3["widths"]),
        replicates=int(t3["replicates"]),
        training_width=int(training["width"]),
        training_depths=tuple(int(d) for d in training["depths"]),
        training_replicates=int(training["replicates"]),
        training_steps=int(training["steps"]),
        stability=float(training["stability"]),
    )


def check_theorem3_config(config: Mapping[str, Any]) -> None:
    """Raise one ValueError naming the field where ``seed001.theorem3`` is inconsistent in a
    way the schema cannot see."""
    where = "config field 'seed001.theorem3"
    s = settings_from_config(config)
    for name, values in (
        ("depths", s.depths),
        ("widths", s.widths),
        ("training.depths", s.training_depths),
    ):
        if list(values) != sorted(set(values)):
            raise ValueError(f"{where}.{name}': must be strictly increasing, got {list(values)}")
    for name, values in (("activations", s.activations), ("network_activations", s.network_activations)):
        if len(set(values)) != len(values):
            raise ValueError(f"{where}.{name}': each activation once, got {list(values)}")
    missing = [a for a in s.network_activations if a not in s.activations]
    if missing:
        raise ValueError(
            f"{where}.network_activations': must be among activations {list(s.activations)}, got {missing}"
        )
    if not 0.0 <= s.input_covariance < s.input_length:
        raise ValueError(
            f"{where}.input_covariance': must be in [0, seed001.network.input_length = {s.input_length:g}) "
            f"(distinct points), got {s.input_covariance:g}"
        )
    if max(s.depths) > s.max_depth:
        raise ValueError(f"{where}.depths': at most max_depth ({s.max_depth}), got {list(s.depths)}")
    if min(s.widths) < s.samples + 2:
        raise ValueError(
            f"{where}.widths': the inputs have dimension n0 = M >= samples + 2 = {s.samples + 2}, got {list(s.widths)}"
        )
    if s.training_width not in s.widths:
        raise ValueError(f"{where}.training.width': must be one of widths {list(s.widths)}, got {s.training_width}")
    if not set(s.training_depths) <= set(s.depths):
        raise ValueError(
            f"{where}.training.depths': must be among depths {list(s.depths)}, got {list(s.training_depths)}"
        )
    if s.training_replicates > s.replicates:
        raise ValueError(
            f"{where}.training.replicates': the trained networks are the first of the (b) draws, "
            f"at most replicates ({s.replicates}), got {s.training_replicates}"
        )


# --------------------------------------------------------------------------- the points


def regression_inputs(samples: int, input_length: float, input_covariance: float, dimension: int) -> np.ndarray:
    """The S + 1 points (row 0 the test point x, rows 1 .. S the training points) in R^dimension:
    x_i = sqrt(n0 q^0) (sqrt(c) e_0 + sqrt(1 - c) e_{i+1}), c = q^0_sr / q^0, so that
    |x_i|^2 / n0 = q^0 and x_i . x_j / n0 = q^0_sr (i != j). float64, shape (S + 1, n0)."""
    if dimension < samples + 2:
        raise ValueError(f"dimension: at least samples + 2 = {samples + 2}, got {dimension}")
    c = input_covariance / input_length
    x = np.zeros((samples + 1, dimension))
    x[:, 0] = math.sqrt(c)
    x[np.arange(samples + 1), np.arange(1, samples + 2)] = math.sqrt(1.0 - c)
    return x * math.sqrt(dimension * input_length)


def regression_targets(samples: int) -> np.ndarray:
    """Y: y_s = (-1)^s, s = 1 .. S (mean 0 for even S, |y| = 1), float64 (S,)."""
    return (-1.0) ** np.arange(1, samples + 1)


# --------------------------------------------------------------------------- theory


def theorem_a(kappa_ratio: np.ndarray, samples: int) -> np.ndarray:
    """Theorem 3's A = S / (kappa_1/kappa_2 + S - 1), elementwise (1 when the ratio is 1)."""
    return samples / (np.asarray(kappa_ratio, dtype=np.float64) + samples - 1.0)


def theorem_variance(q: np.ndarray, q_cross: np.ndarray, a: np.ndarray, samples: int) -> np.ndarray:
    """Theorem 3: (1 + A^2 / S)(Q - Q_sr) + (A - 1)^2 Q_sr, elementwise."""
    q, q_cross, a = (np.asarray(v, dtype=np.float64) for v in (q, q_cross, a))
    return (1.0 + a * a / samples) * (q - q_cross) + (a - 1.0) ** 2 * q_cross


def equicorrelated(diagonal: np.ndarray, off_diagonal: np.ndarray, size: int) -> np.ndarray:
    """(..., size, size) matrices with ``diagonal`` on the diagonal and ``off_diagonal`` off it."""
    d = np.asarray(diagonal, dtype=np.float64)[..., None, None]
    o = np.asarray(off_diagonal, dtype=np.float64)[..., None, None]
    eye = np.eye(size)
    return o * (1.0 - eye) + d * eye


def regression_weights(theta_1: np.ndarray, theta_2: np.ndarray, samples: int) -> np.ndarray:
    """v = Theta(x, X) Theta(X)^-1 of an equicorrelated kernel on the S + 1 points by a
    linear solve (not the closed form A / S): shape (..., S)."""
    t1, t2 = np.broadcast_arrays(np.asarray(theta_1, np.float64), np.asarray(theta_2, np.float64))
    scale = t1[..., None, None]  # eq. (10) is invariant to the kernel's scale
    kernel = equicorrelated(t1, t2, samples) / scale
    column = np.broadcast_to((t2 / t1)[..., None], t1.shape + (samples,))
    return np.linalg.solve(kernel, column[..., None])[..., 0]


def direct_variance(
    q: np.ndarray, q_cross: np.ndarray, theta_1: np.ndarray, theta_2: np.ndarray, samples: int
) -> np.ndarray:
    """Var f^inf(x) = Q - 2 v . k + v K(X) v^T with v solved from the kernel matrices
    (:func:`regression_weights`), k = Q_sr 1 and K(X) the NNGP matrix: the second way to
    Theorem 3's expression."""
    v = regression_weights(theta_1, theta_2, samples)
    q, q_cross = np.broadcast_arrays(np.asarray(q, np.float64), np.asarray(q_cross, np.float64))
    nngp = equicorrelated(q, q_cross, samples)
    quadratic = np.einsum("...i,...ij,...j->...", v, nngp, v)
    return q - 2.0 * q_cross * v.sum(axis=-1) + quadratic


class Theory(NamedTuple):
    """Mean-field theory of one (activation, sigma_w^2) for depths 1 .. max_depth.

    q, q_cross: Lemma 1's Q and Q_sr; kappa_1, kappa_2, kappa_ratio: Lemma 2 (alpha_0 = 1);
    a, variance: Theorem 3; variance_direct: the same by the linear solve; theta_1,
    theta_2 (width, depth): the mean-field NTK Theta*_M (standard, trained biases) on the
    diagonal and off it; a_width, variance_width: Theorem 3 with Theta*_M in place of Lemma 2's
    leading term."""

    q: np.ndarray
    q_cross: np.ndarray
    kappa_1: np.ndarray
    kappa_2: np.ndarray
    kappa_ratio: np.ndarray
    a: np.ndarray
    variance: np.ndarray
    variance_direct: np.ndarray
    theta_1: np.ndarray
    theta_2: np.ndarray
    a_width: np.ndarray
    variance_width: np.ndarray


def theory(
    activation: str,
    weight_variance: float,
    bias_variance: float,
    max_depth: int,
    samples: int,
    input_length: float,
    input_covariance: float,
    widths: Sequence[int],
    readout_weight_variance: float | None = None,
) -> Theory:
    """:class:`Theory` from :mod:`finite_ntk.mean_field` (one propagation of a point and of a
    pair, closed forms for erf and ReLU, quadrature for tanh)."""
    import finite_ntk.mean_field as mean_field

    readout = float(weight_variance) if readout_weight_variance is None else float(readout_weight_variance)
    single = mean_field.propagate(
        activation,
        weight_variance,
        bias_variance,
        max_depth,
        input_length=input_length,
        readout_weight_variance=readout,
    )
    pair = mean_field.propagate_pair(
        activation,
        weight_variance,
        bias_variance,
        max_depth,
        input_covariance=input_covariance,
        input_lengths=(input_length, input_length),
        readout_weight_variance=readout,
    )
    q = readout * single.qhat[1:] + bias_variance
    q_cross = readout * pair.qhat_cross[1:] + bias_variance
    kappa_1 = np.exp(mean_field.log_kappa_1(single))
    kappa_2 = mean_field.kappa_2(pair)
    ratio = mean_field.kappa_ratio(pair)
    a = theorem_a(ratio, samples)
    theta_1 = np.empty((len(widths), max_depth))
    theta_2 = np.empty_like(theta_1)
    for m, width in enumerate(widths):
        options = {"parameterization": "standard", "width": int(width), "input_dimension": int(width)}
        theta_1[m] = np.exp(mean_field.log_ntk_diagonal(single, **options))
        theta_2[m] = theta_1[m] * mean_field.ntk_correlation(pair, **options)
    a_width = theorem_a(theta_1 / theta_2, samples)
    return Theory(
        q=q,
        q_cross=q_cross,
        kappa_1=kappa_1,
        kappa_2=kappa_2,
        kappa_ratio=ratio,
        a=a,
        variance=theorem_variance(q, q_cross, a, samples),
        variance_direct=direct_variance(q, q_cross, kappa_1, kappa_2, samples),
        theta_1=theta_1,
        theta_2=theta_2,
        a_width=a_width,
        variance_width=theorem_variance(q, q_cross, a_width, samples),
    )


def phase_weight_variances(activation: str, bias_variance: float, multiples: Mapping[str, float]) -> dict[str, float]:
    """sigma_w^2 of the ordered, border and chaotic points: multiples of the border's sigma_w^2
    at ``bias_variance`` (Figures 5 and 6's points, ``seed001.kappa``)."""
    import finite_ntk.mean_field as mean_field

    border = float(mean_field.order_chaos_border(activation, bias_variance))
    if not math.isfinite(border):
        raise ValueError(
            f"config field 'seed001.kappa.bias_variance': {activation} has no order/chaos border at {bias_variance:g}"
        )
    return {phase: float(multiples[phase]) * border for phase in PHASES}


# --------------------------------------------------------------------------- estimates


def variance_interval(values: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(s^2, lo, hi): the sample variance along ``axis`` and its 95 % interval s^2 +- 1.96 SE,
    SE^2 = (m_4 - s^4 (n - 3)/(n - 1)) / n; NaN draws are left out (NaN with fewer than 4)."""
    x = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    n = np.sum(np.isfinite(x), axis=-1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(np.where(np.isfinite(x), x, np.nan), axis=-1, keepdims=True)
        d = np.where(np.isfinite(x), x - mean, np.nan)
        s2 = np.nansum(d * d, axis=-1) / (n - 1.0)
        m4 = np.nansum(d**4, axis=-1) / n
        se = np.sqrt(np.maximum(m4 - s2 * s2 * (n - 3.0) / (n - 1.0), 0.0) / n)
    s2 = np.where(n >= 4, s2, np.nan)
    se = np.where(n >= 4, se, np.nan)
    return s2, s2 - Z_95 * se, s2 + Z_95 * se


def mean_interval(values: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, lo, hi): the sample mean along ``axis`` and mean +- 1.96 SE (NaN draws left out)."""
    x = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    finite = np.isfinite(x)
    n = finite.sum(axis=-1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.sum(np.where(finite, x, 0.0), axis=-1) / n, np.nan)
        d = np.where(finite, x - mean[..., None], 0.0)
        se = np.sqrt(np.sum(d * d, axis=-1) / (n - 1.0) / n)
    se = np.where(n >= 2, se, np.nan)
    return mean, mean - Z_95 * se, mean + Z_95 * se


# --------------------------------------------------------------------------- (a): Gaussian f^0, Theta_bar


def gaussian_outputs(
    q: float,
    q_cross: float,
    kappa_1: float,
    kappa_2: float,
    samples: int,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Monte Carlo (a): ``draws`` values of eq. (10) at the test point with the deterministic
    kernel Theta_bar = (kappa_1 - kappa_2) I + kappa_2 1 1^T (its scale alpha M cancels) and
    f^0 on the S + 1 points drawn from Lemma 1's N(0, K) (K = U diag(l) U^T, f^0 = U sqrt(l) z),
    targets :func:`regression_targets`: (draws,)."""
    size = samples + 1
    nngp = equicorrelated(q, q_cross, size)
    eigenvalues, vectors = np.linalg.eigh(nngp)
    factor = vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
    f0 = rng.standard_normal((draws, size)) @ factor.T
    v = regression_weights(kappa_1, kappa_2, samples)
    y = regression_targets(samples)
    return v @ y + f0[:, 0] - f0[:, 1:] @ v


# --------------------------------------------------------------------------- (b), (c): finite networks


def unit_spec(activation: str, width: int, depth: int) -> Any:
    """The NetworkSpec whose programs serve every (sigma_w^2, sigma_b^2) of an architecture:
    standard parameterisation, unit W_std and b_std (the variances scale the drawn parameters,
    :func:`scale_parameters`; :func:`finite_ntk.papers.seed001.training.program_spec`), input
    dimension n0 = M."""
    from finite_ntk.models.spec import NetworkSpec

    return NetworkSpec(
        width=int(width),
        depth=int(depth),
        activation=activation,
        n0=int(width),
        parameterization="standard",
        W_std=1.0,
        W_std_readout=1.0,
        b_std=1.0,
    )


def scale_parameters(params: Any, weight_std: Any, readout_std: Any, bias_std: Any) -> Any:
    """Parameters of ``build_network(unit_spec)`` (W ~ N(0, 1/fan_in), b ~ N(0, 1)) scaled to
    W ~ N(0, sigma_w^2/fan_in) in the hidden layers, N(0, sigma_ro^2/fan_in) in the readout and
    b ~ N(0, sigma_b^2): the layout [[(W, b), ()], ..., (W_ro, b_ro)] of stax.serial."""
    *hidden, readout = params
    scaled = [[(layer[0][0] * weight_std, layer[0][1] * bias_std), layer[1]] for layer in hidden]
    return scaled + [(readout[0] * readout_std, readout[1] * bias_std)]


def cell_identity(activation: str, phase: str, width: int, depth: int) -> str:
    """The identity text of one (b) cell (:func:`finite_ntk.seeding.identity_string`); draw i
    of the cell is drawn by ``numpy_generator(root_seed, identity + "/draw=i")``."""
    from finite_ntk.seeding import identity_string

    return identity_string(EXPERIMENT, activation=activation, phase=phase, width=int(width), depth=int(depth))


def unit_parameters(width: int, depth: int, generator: np.random.Generator) -> list:
    """One network's parameters in the layout of ``build_network(unit_spec(., width, depth))``
    ([[(W, b), ()], [(W_hidden, b_hidden), ()] (depth > 1, stacked over layers 2 .. L), (W_ro, b_ro)])
    with stax's standard-parameterisation law at unit variances: W ~ N(0, 1/fan_in),
    b ~ N(0, 1), input dimension n0 = width. Drawn as float32 normals from ``generator``,
    returned in float64. (stax's own ``init_fn`` has this law; compiled under ``vmap`` it took
    3.6 s to compile per architecture, op by op 1.1 s per call: most of this job's time.)"""

    def normal(shape: tuple[int, ...], scale: float) -> np.ndarray:
        return generator.standard_normal(shape, dtype=np.float32).astype(np.float64) * scale

    hidden = 1.0 / math.sqrt(width)
    layers: list = [[(normal((width, width), hidden), normal((1, width), 1.0)), ()]]
    if depth > 1:
        layers.append([(normal((depth - 1, width, width), hidden), normal((depth - 1, 1, width), 1.0)), ()])
    layers.append((normal((width, 1), hidden), normal((1, 1), 1.0)))
    return layers


def _compiled() -> dict[str, Callable]:
    """The jitted pieces (built on first use so that importing this module imports no JAX)."""
    if _PROGRAMS:
        return _PROGRAMS
    from functools import partial

    import jax

    from finite_ntk.models.networks import build_network
    from finite_ntk.papers.seed001.training import dense_ntk_matrix, mse_loss

    @partial(jax.jit, static_argnums=0)
    def outputs_and_kernels(program: Any, params: Any, x: Any, scales: Any) -> tuple[Any, Any]:
        apply_fn = build_network(program, 1)[1]

        def one(p: Any) -> tuple[Any, Any]:
            p = scale_parameters(p, *scales)
            return apply_fn(p, x)[:, 0], dense_ntk_matrix(program, p, x)

        return jax.vmap(one)(params)

    @partial(jax.jit, static_argnums=0)
    def descend(program: Any, params: Any, scales: Any, x: Any, y: Any, learning_rate: Any, steps: Any) -> Any:
        apply_fn = build_network(program, 1)[1]
        gradient = jax.grad(lambda p: mse_loss(apply_fn(p, x), y))

        def one(p: Any) -> Any:
            p = scale_parameters(p, *scales)

            def step(_: Any, q: Any) -> Any:
                return jax.tree_util.tree_map(lambda a, g: a - learning_rate * g, q, gradient(q))

            return jax.lax.fori_loop(0, steps, step, p)

        return jax.vmap(one)(params)

    _PROGRAMS.update(outputs_and_kernels=outputs_and_kernels, descend=descend)
    return _PROGRAMS


_PROGRAMS: dict[str, Callable] = {}
BATCH_VALUES = 2**21  # parameters of a batch of networks held at once (16 MiB in float64; larger batches
# cost more in page faults than they save: 6.8 s of system time against 2.9 s at width 500, depth 16)


def batch_size(width: int, depth: int, draws: int) -> int:
    """Networks per compiled batch: as many as fit in :data:`BATCH_VALUES` parameters, at most
    ``draws`` (a function of the architecture and the count only; the draws do not depend on it)."""
    size = width * width * depth + width * (depth + 2) + 1
    return max(1, min(draws, BATCH_VALUES // size))


def _batches(root_seed: int, identity: str, width: int, depth: int, draws: int) -> list[Any]:
    """The unit parameters of draws 0 .. draws - 1 stacked in batches of :func:`batch_size`, the
    last padded with copies of its first network (whose results are dropped): one shape, one
    compiled program."""
    from finite_ntk.seeding import numpy_generator

    size = batch_size(width, depth, draws)
    batches = []
    for start in range(0, draws, size):
        nets = [
            unit_parameters(width, depth, numpy_generator(root_seed, f"{identity}/draw={i}"))
            for i in range(start, min(start + size, draws))
        ]
        nets += [nets[0]] * (size - len(nets))
        batches.append(_stack(nets))
    return batches


def _stack(nets: list) -> Any:
    import jax

    return jax.tree_util.tree_map(lambda *leaves: np.stack(leaves), *nets)


def _scales(weight_variance: float, bias_variance: float, readout_weight_variance: float | None) -> tuple:
    import jax.numpy as jnp

    readout = weight_variance if readout_weight_variance is None else readout_weight_variance
    return tuple(jnp.asarray(math.sqrt(v), jnp.float64) for v in (weight_variance, readout, bias_variance))


def network_draws(
    activation: str,
    width: int,
    depth: int,
    weight_variance: float,
    bias_variance: float,
    readout_weight_variance: float | None,
    root_seed: int,
    identity: str,
    draws: int,
    inputs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(f^0, Theta_0) of ``draws`` networks on the rows of ``inputs``: (draws, n) and
    (draws, n, n), float64 (the NTK of :func:`finite_ntk.papers.seed001.training.dense_ntk_matrix`,
    weights and biases). Draw i is :func:`unit_parameters` from
    ``numpy_generator(root_seed, identity + "/draw=i")``, scaled to the variances."""
    import jax.numpy as jnp
    from jax.experimental import enable_x64

    programs = _compiled()
    program = unit_spec(activation, width, depth)
    outputs, kernels = [], []
    with enable_x64():
        x = jnp.asarray(inputs, jnp.float64)
        scales = _scales(weight_variance, bias_variance, readout_weight_variance)
        for params in _batches(root_seed, identity, width, depth, draws):
            f, theta = programs["outputs_and_kernels"](program, params, x, scales)
            outputs.append(np.asarray(f, np.float64))
            kernels.append(np.asarray(theta, np.float64))
    return np.concatenate(outputs)[:draws], np.concatenate(kernels)[:draws]


def trained_draws(
    activation: str,
    width: int,
    depth: int,
    weight_variance: float,
    bias_variance: float,
    readout_weight_variance: float | None,
    root_seed: int,
    identity: str,
    draws: int,
    inputs: np.ndarray,
    targets: np.ndarray,
    learning_rate: float,
    steps: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The networks of :func:`network_draws` (the same identity: the same draws) after ``steps``
    steps of full-batch gradient descent at ``learning_rate`` on the loss
    1/(2S) sum_s (f(x_s) - y_s)^2 over rows 1 .. S of ``inputs`` (:func:`~finite_ntk.papers.seed001.training.mse_loss`):
    (f^T on every row (draws, n), Theta_T on the training rows (draws, S, S)); NaN rows where
    a run diverged."""
    import jax.numpy as jnp
    from jax.experimental import enable_x64

    programs = _compiled()
    program = unit_spec(activation, width, depth)
    outputs, kernels = [], []
    with enable_x64():
        x = jnp.asarray(inputs, jnp.float64)
        y = jnp.asarray(np.asarray(targets, np.float64)[:, None])
        scales = _scales(weight_variance, bias_variance, readout_weight_variance)
        ones = tuple(jnp.asarray(1.0, jnp.float64) for _ in range(3))
        for params in _batches(root_seed, identity, width, depth, draws):
            trained = programs["descend"](
                program,
                params,
                scales,
                x[1:],
                y,
                jnp.asarray(learning_rate, jnp.float64),
                jnp.asarray(steps, jnp.int32),
            )
            f, theta = programs["outputs_and_kernels"](program, trained, x, ones)
            outputs.append(np.asarray(f, np.float64))
            kernels.append(np.asarray(theta, np.float64)[:, 1:, 1:])
    f, theta = np.concatenate(outputs)[:draws], np.concatenate(kernels)[:draws]
    bad = ~(np.all(np.isfinite(f), axis=1) & np.all(np.isfinite(theta), axis=(1, 2)))
    f[bad] = np.nan
    theta[bad] = np.nan
    return f, theta


def ntk_regression(kernels: np.ndarray, initial: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eq. (10) at the test point (row/column 0) per draw: (f^inf(x), sum_s v_s) with
    v = Theta(x, X) Theta(X)^-1 solved in float64; ``kernels`` (..., S + 1, S + 1),
    ``initial`` f^0 (..., S + 1), ``targets`` Y (S,). NaN for a draw whose Theta(X) is singular
    to float64 (smallest eigenvalue at most :data:`SINGULAR` of the largest: e.g. a narrow ReLU
    network whose hidden units are all inactive on the points)."""
    kernel = np.asarray(kernels, np.float64)
    f0 = np.asarray(initial, np.float64)
    train = kernel[..., 1:, 1:]
    eigenvalues = np.linalg.eigvalsh(train)
    singular = ~(eigenvalues[..., 0] > SINGULAR * eigenvalues[..., -1])
    scale = np.where(singular, 1.0, eigenvalues[..., -1])[..., None, None]  # scale-free: over lambda_max
    system = np.where(singular[..., None, None], np.eye(train.shape[-1]), train / scale)
    v = np.linalg.solve(system, kernel[..., 1:, 0:1] / scale)[..., 0]
    v[singular] = np.nan
    residual = np.asarray(targets, np.float64) - f0[..., 1:]
    return f0[..., 0] + np.sum(v * residual, axis=-1), v.sum(axis=-1)


def descent_factor(eigenvalues: np.ndarray, learning_rate: float, samples: int, steps: int) -> np.ndarray:
    """g(lambda) = (1 - (1 - lr lambda / S)^T) / lambda, so that T steps of gradient descent on
    the linearised network move the residual by -Theta g(Theta) r_0; T lr / S at lambda = 0."""
    lam = np.asarray(eigenvalues, np.float64)
    z = learning_rate * lam / samples
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        small = np.abs(z) < 0.5
        ratio = np.where(
            small,
            -np.expm1(steps * np.log1p(-np.where(small, z, 0.0))) / np.where(z == 0.0, 1.0, z),
            (1.0 - (1.0 - z) ** steps) / np.where(small, 1.0, z),
        )
        ratio = np.where(z == 0.0, float(steps), ratio)
    return ratio * learning_rate / samples


def linearised_descent(
    kernels: np.ndarray, initial: np.ndarray, targets: np.ndarray, learning_rate: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """The network linearised at initialisation (constant NTK Theta_0) after ``steps`` steps
    of gradient descent at ``learning_rate`` on 1/(2S) sum_s (f(x_s) - y_s)^2:
    f^T(x) = f^0(x) - Theta(x, X) g(Theta(X)) (f^0(X) - Y) (:func:`descent_factor`), and the
    training loss after those steps, ||(I - lr Theta(X)/S)^T r_0||^2 / (2S): ((...,), (...,)).
    NaN for a draw where lr lambda_max(Theta(X)) / S > 2: gradient descent on the linearised
    network diverges there (the network itself may still converge, by catapulting)."""
    kernel = np.asarray(kernels, np.float64)
    f0 = np.asarray(initial, np.float64)
    samples = kernel.shape[-1] - 1
    eigenvalues, vectors = np.linalg.eigh(kernel[..., 1:, 1:])
    residual = f0[..., 1:] - np.asarray(targets, np.float64)
    coefficients = np.einsum("...ji,...j->...i", vectors, residual)
    moved = np.einsum(
        "...ij,...j->...i", vectors, descent_factor(eigenvalues, learning_rate, samples, steps) * coefficients
    )
    prediction = f0[..., 0] - np.sum(kernel[..., 0, 1:] * moved, axis=-1)
    decay = (1.0 - learning_rate * eigenvalues / samples) ** steps
    loss = np.sum((decay * coefficients) ** 2, axis=-1) / (2.0 * samples)
    unstable = learning_rate * eigenvalues[..., -1] / samples > 2.0
    return np.where(unstable, np.nan, prediction), np.where(unstable, np.nan, loss)


def reference_outputs(initial: np.ndarray, theta_1: float, theta_2: float, targets: np.ndarray) -> np.ndarray:
    """Eq. (10) with the mean-field kernel (``theta_1`` on the diagonal, ``theta_2`` off it)
    and the draws' own f^0 (..., S + 1): the theory's output for each network."""
    samples = np.asarray(targets).size
    v = regression_weights(theta_1, theta_2, samples)
    f0 = np.asarray(initial, np.float64)
    return f0[..., 0] + (np.asarray(targets, np.float64) - f0[..., 1:]) @ v


# --------------------------------------------------------------------------- the data product


def theorem3_dataset(config: Mapping[str, Any], progress: Progress = _quiet) -> xr.Dataset:
    """``theorem3.nc``: the theory, Monte Carlos (a), (b), (c) and their reductions (the
    variables' ``long_name`` attributes say what each is)."""
    import xarray as xr

    from finite_ntk.seeding import numpy_generator

    s = settings_from_config(config)
    check_theorem3_config(config)
    S = s.samples
    targets = regression_targets(S)
    n_act, n_ph, n_w = len(s.activations), len(PHASES), len(s.widths)

    # Theory and (a).
    weights = np.empty((n_act, n_ph))
    names = ("q", "q_cross", "kappa_1", "kappa_2", "kappa_ratio", "a", "variance", "variance_direct")
    curves = {name: np.empty((n_act, n_ph, s.max_depth)) for name in names}
    width_curves = {
        name: np.empty((n_act, n_ph, n_w, s.max_depth)) for name in ("theta_1", "theta_2", "a_width", "variance_width")
    }
    gaussian = {
        name: np.empty((n_act, n_ph, len(s.depths))) for name in ("variance_a", "variance_a_lo", "variance_a_hi")
    }
    for i, activation in enumerate(s.activations):
        for p, (phase, weight) in enumerate(
            phase_weight_variances(activation, s.bias_variance, s.border_multiples).items()
        ):
            weights[i, p] = weight
            t = theory(
                activation,
                weight,
                s.bias_variance,
                s.max_depth,
                S,
                s.input_length,
                s.input_covariance,
                s.widths,
                s.readout_weight_variance,
            )
            for name in names:
                curves[name][i, p] = getattr(t, name)
            for name in width_curves:
                width_curves[name][i, p] = getattr(t, name)
            for j, L in enumerate(s.depths):
                rng = numpy_generator(
                    s.root_seed, f"{EXPERIMENT}/gaussian/activation={activation}/phase={phase}/depth={L}"
                )
                values = gaussian_outputs(
                    t.q[L - 1], t.q_cross[L - 1], t.kappa_1[L - 1], t.kappa_2[L - 1], S, s.gaussian_draws, rng
                )
                est = variance_interval(values)
                (
                    gaussian["variance_a"][i, p, j],
                    gaussian["variance_a_lo"][i, p, j],
                    gaussian["variance_a_hi"][i, p, j],
                ) = est
        progress(f"theory and Monte Carlo (a): {activation} done ({s.gaussian_draws} Gaussian draws per cell)")

    # (b) and (c).
    net = s.network_activations
    act_index = [s.activations.index(a) for a in net]
    shape_b = (len(net), n_ph, n_w, len(s.depths))
    points = S + 1
    initial = np.empty(shape_b + (s.replicates, points))
    regression = np.empty(shape_b + (s.replicates,))
    weight_sum = np.empty_like(regression)
    reference = np.empty_like(regression)
    condition = np.empty_like(regression)
    top_ratio = np.empty_like(regression)
    c_depths = s.training_depths
    shape_c = (len(net), n_ph, len(c_depths), s.training_replicates)
    trained = np.full(shape_c, np.nan)
    linearised = np.full(shape_c, np.nan)
    loss_initial = np.full(shape_c, np.nan)
    loss_final = np.full(shape_c, np.nan)
    loss_linearised = np.full(shape_c, np.nan)
    ntk_change = np.full(shape_c, np.nan)
    learning_rate = np.full((len(net), n_ph, len(c_depths)), np.nan)
    mc = s.training_width
    for i, activation in enumerate(net):
        a = act_index[i]
        for m, width in enumerate(s.widths):
            x = regression_inputs(S, s.input_length, s.input_covariance, width)
            for p, phase in enumerate(PHASES):
                for j, L in enumerate(s.depths):
                    identity = cell_identity(activation, phase, width, L)
                    f0, theta = network_draws(
                        activation,
                        width,
                        L,
                        weights[a, p],
                        s.bias_variance,
                        s.readout_weight_variance,
                        s.root_seed,
                        identity,
                        s.replicates,
                        x,
                    )
                    initial[i, p, m, j] = f0
                    regression[i, p, m, j], weight_sum[i, p, m, j] = ntk_regression(theta, f0, targets)
                    t1, t2 = width_curves["theta_1"][a, p, m, L - 1], width_curves["theta_2"][a, p, m, L - 1]
                    reference[i, p, m, j] = reference_outputs(f0, t1, t2, targets)
                    eig = np.linalg.eigvalsh(theta[:, 1:, 1:])
                    with np.errstate(divide="ignore", invalid="ignore"):
                        condition[i, p, m, j] = eig[:, -1] / eig[:, 0]
                    top_theory = t1 + (S - 1) * t2 if t2 >= 0 else t1 - t2
                    top_ratio[i, p, m, j] = eig[:, -1] / top_theory
                    if width == mc and L in c_depths:
                        k = c_depths.index(L)
                        lr = s.stability * S / top_theory
                        learning_rate[i, p, k] = lr
                        R = s.training_replicates
                        fT, thetaT = trained_draws(
                            activation,
                            width,
                            L,
                            weights[a, p],
                            s.bias_variance,
                            s.readout_weight_variance,
                            s.root_seed,
                            identity,
                            R,
                            x,
                            targets,
                            lr,
                            s.training_steps,
                        )
                        trained[i, p, k] = fT[:, 0]
                        loss_initial[i, p, k] = 0.5 * np.sum((f0[:R, 1:] - targets) ** 2, axis=1) / S
                        loss_final[i, p, k] = 0.5 * np.sum((fT[:, 1:] - targets) ** 2, axis=1) / S
                        linearised[i, p, k], loss_linearised[i, p, k] = linearised_descent(
                            theta[:R], f0[:R], targets, lr, s.training_steps
                        )
                        start = theta[:R, 1:, 1:]
                        with np.errstate(invalid="ignore"):
                            ntk_change[i, p, k] = np.linalg.norm(thetaT - start, axis=(1, 2)) / np.linalg.norm(
                                start, axis=(1, 2)
                            )
                progress(
                    f"(b) {activation}, {phase}, width {width}: depths {list(s.depths)}, {s.replicates} networks each"
                    + (f"; (c) depths {list(c_depths)}: {s.training_replicates} trained" if width == mc else "")
                )

    ds = xr.Dataset(
        coords={
            "activation": np.asarray(s.activations, dtype=str),
            "phase": np.asarray(PHASES, dtype=str),
            "depth": np.arange(1, s.max_depth + 1, dtype=np.int64),
            "width": np.asarray(s.widths, dtype=np.int64),
            "network_depth": np.asarray(s.depths, dtype=np.int64),
            "network_activation": np.asarray(net, dtype=str),
            "draw": np.arange(s.replicates, dtype=np.int64),
            "point": np.arange(points, dtype=np.int64),
            "training_depth": np.asarray(c_depths, dtype=np.int64),
            "training_draw": np.arange(s.training_replicates, dtype=np.int64),
        },
        attrs={
            "experiment": EXPERIMENT,
            "samples": S,
            "input_length": s.input_length,
            "input_covariance": s.input_covariance,
            "bias_variance": s.bias_variance,
            "readout_weight_variance": "sigma_w^2" if s.readout_weight_variance is None else s.readout_weight_variance,
            "gaussian_draws": s.gaussian_draws,
            "replicates": s.replicates,
            "training_width": mc,
            "training_replicates": s.training_replicates,
            "training_steps": s.training_steps,
            "stability": s.stability,
            "root_seed": s.root_seed,
            "parameterization": "standard",
            "input_dimension": "n0 = width",
            "targets": "y_s = (-1)^s",
            "precision": "float64",
        },
    )
    theory_dims = ("activation", "phase", "depth")
    long = {
        "q": "Lemma 1: Var f0(x) = sigma_ro^2 qhat^L + sigma_b^2 (the paper's q^L)",
        "q_cross": "Lemma 1: Cov(f0(x_s), f0(x_r)) = sigma_ro^2 qhat^L_sr + sigma_b^2",
        "kappa_1": "Lemma 2's kappa_1 (alpha_0 = 1)",
        "kappa_2": "Lemma 2's kappa_2 at the points' covariance",
        "kappa_ratio": "kappa_1 / kappa_2",
        "a": "Theorem 3's A = S / (kappa_1/kappa_2 + S - 1)",
        "variance": "Theorem 3: (1 + A^2/S)(Q - Q_sr) + (A - 1)^2 Q_sr",
        "variance_direct": "Var of eq. (10) by the linear solve with Lemma 2's kernel and Lemma 1's NNGP matrix",
    }
    ds["weight_variance"] = (("activation", "phase"), weights, {"long_name": "sigma_w^2 of the phase's point"})
    for name in names:
        ds[name] = (theory_dims, curves[name], {"long_name": long[name]})
    width_long = {
        "theta_1": "mean-field NTK Theta*_M(x, x), standard parameterisation, trained biases",
        "theta_2": "mean-field NTK Theta*_M(x_s, x_r)",
        "a_width": "A with Theta*_M in place of Lemma 2's leading term",
        "variance_width": "Theorem 3's expression with a_width",
    }
    for name, values in width_curves.items():
        ds[name] = (("activation", "phase", "width", "depth"), values, {"long_name": width_long[name]})
    for name, values in gaussian.items():
        ds[name] = (
            ("activation", "phase", "network_depth"),
            values,
            {
                "long_name": "Monte Carlo (a): sample variance of eq. (10) with Theta_bar and Gaussian f0 (95 % interval)"
            },
        )
    dims_b = ("network_activation", "phase", "width", "network_depth")
    ds["initial_output"] = (dims_b + ("draw", "point"), initial, {"long_name": "f0 on the points (0: test point x)"})
    ds["regression_output"] = (dims_b + ("draw",), regression, {"long_name": "(b): eq. (10) with the empirical NTK"})
    ds["reference_output"] = (
        dims_b + ("draw",),
        reference,
        {"long_name": "eq. (10) with the mean-field Theta*_M and the draw's f0"},
    )
    ds["weight_sum"] = (
        dims_b + ("draw",),
        weight_sum,
        {"long_name": "sum_s v_s of v = Theta(x,X) Theta(X)^-1 (A in theory)"},
    )
    ds["condition_number"] = (
        dims_b + ("draw",),
        condition,
        {"long_name": "condition number of the empirical Theta(X)"},
    )
    ds["top_eigenvalue_ratio"] = (
        dims_b + ("draw",),
        top_ratio,
        {"long_name": "lambda_max of the empirical Theta(X) over lambda_max of the mean-field Theta*_M(X)"},
    )
    dims_c = ("network_activation", "phase", "training_depth", "training_draw")
    ds["trained_output"] = (dims_c, trained, {"long_name": "(c): f(x) after gradient descent"})
    ds["linearised_output"] = (dims_c, linearised, {"long_name": "f(x) of the linearised network after the same steps"})
    ds["loss_initial"] = (dims_c, loss_initial, {"long_name": "training loss at initialisation"})
    ds["loss_final"] = (dims_c, loss_final, {"long_name": "training loss after gradient descent"})
    ds["loss_linearised"] = (dims_c, loss_linearised, {"long_name": "the linearised network's training loss"})
    ds["ntk_change"] = (dims_c, ntk_change, {"long_name": "||Theta_T(X) - Theta_0(X)||_F / ||Theta_0(X)||_F"})
    ds["learning_rate"] = (
        ("network_activation", "phase", "training_depth"),
        learning_rate,
        {"long_name": "lr = stability x S / lambda_max(Theta*_M(X))"},
    )
    return with_reductions(ds)


def with_reductions(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with the per-cell estimates the figure, the claims and the report read:
    variances of (b), (c) and the linearised outputs with 95 % intervals, their relative RMS
    distance to the theory's per-draw output (sqrt(mean((f - f_ref)^2) / variance_width)),
    the mean of sum_s v_s, and Lemma 1's sample variance and covariance of f^0."""
    out = ds.copy()
    width_theory = ds["variance_width"].sel(activation=ds["network_activation"])
    ref_b = width_theory.sel(depth=ds["network_depth"])

    def put(name: str, dims: tuple[str, ...], triple: tuple[np.ndarray, ...], long_name: str) -> None:
        for suffix, values in zip(("", "_lo", "_hi"), triple):
            out[name + suffix] = (dims, values, {"long_name": long_name + ("" if not suffix else " (95 % interval)")})

    dims_b = ("network_activation", "phase", "width", "network_depth")
    put("variance_b", dims_b, variance_interval(ds["regression_output"].values), "(b): sample variance of eq. (10)")
    distance = (ds["regression_output"] - ds["reference_output"]) ** 2 / ref_b
    m, lo, hi = mean_interval(distance.transpose(*dims_b, "draw").values)
    put(
        "distance_b",
        dims_b,
        tuple(np.sqrt(np.clip(v, 0.0, None)) for v in (m, lo, hi)),
        "(b): relative RMS distance to the theory's output",
    )
    put("weight_sum_mean", dims_b, mean_interval(ds["weight_sum"].values), "(b): mean of sum_s v_s (A in theory)")
    f0 = ds["initial_output"].values
    put("lemma1_variance", dims_b, variance_interval(f0[..., 0]), "Lemma 1: sample Var f0(x)")
    centred = f0 - np.mean(f0, axis=-2, keepdims=True)
    n = f0.shape[-2]
    covariance = np.sum(centred[..., :1] * centred[..., 1:], axis=-2) / (n - 1)  # (..., S)
    per_draw = centred[..., 0] * np.mean(centred[..., 1:], axis=-1) * n / (n - 1)
    m, lo, hi = mean_interval(per_draw)
    put(
        "lemma1_covariance",
        dims_b,
        (covariance.mean(axis=-1), lo, hi),
        "Lemma 1: sample Cov(f0(x), f0(x_s)), mean over s",
    )

    dims_c = ("network_activation", "phase", "training_depth")
    c_theory = ds["variance_width"].sel(activation=ds["network_activation"], width=int(ds.attrs["training_width"]))
    ref_c = c_theory.sel(depth=ds["training_depth"])
    reference = ds["reference_output"].sel(width=int(ds.attrs["training_width"]), network_depth=ds["training_depth"])
    reference = reference.isel(draw=slice(0, ds.sizes["training_draw"])).rename(draw="training_draw")
    reference = reference.assign_coords(training_draw=ds["training_draw"])
    for name, source in (("c", "trained_output"), ("linearised", "linearised_output")):
        put(
            f"variance_{name}",
            dims_c,
            variance_interval(ds[source].transpose(*dims_c, "training_draw").values),
            f"({name}): sample variance",
        )
        d = ((ds[source] - reference) ** 2 / ref_c).transpose(*dims_c, "training_draw").values
        m, lo, hi = mean_interval(d)
        put(
            f"distance_{name}",
            dims_c,
            tuple(np.sqrt(np.clip(v, 0.0, None)) for v in (m, lo, hi)),
            f"({name}): relative RMS distance to the theory's output",
        )
    out["linearised_unstable"] = (
        dims_c,
        np.sum(~np.isfinite(ds["linearised_output"].values), axis=-1),
        {"long_name": "(c): networks whose linearisation diverges at the cell's lr (lr lambda_max / S > 2)"},
    )
    out["diverged"] = (
        dims_c,
        np.sum(~np.isfinite(ds["trained_output"].values), axis=-1),
        {"long_name": "(c): diverged runs"},
    )
    return out


# --------------------------------------------------------------------------- report


def theorem3_latex(ds: xr.Dataset) -> str:
    """``report/<run>/seed001_theorem3.tex``: the settings and numbers of the Theorem 3
    subsection as macros (prefix ``SeedOneThm``)."""
    from finite_ntk.report.latex import latex_number, latex_plain, macro

    def values(items: Sequence[Any]) -> str:
        return ", ".join(str(int(v)) for v in items)

    lines = [
        "% Generated by finite_ntk.papers.seed001.theorem3 (rule seed001_theorem3_report).",
        macro("SeedOneThmSamples", str(int(ds.attrs["samples"]))),
        macro("SeedOneThmCovariance", latex_plain(float(ds.attrs["input_covariance"]))),
        macro("SeedOneThmLength", latex_plain(float(ds.attrs["input_length"]))),
        macro("SeedOneThmBias", latex_plain(float(ds.attrs["bias_variance"]))),
        macro("SeedOneThmMaxDepth", str(int(ds["depth"].max()))),
        macro("SeedOneThmDepths", values(ds["network_depth"].values)),
        macro("SeedOneThmWidths", values(ds["width"].values)),
        macro("SeedOneThmGaussianDraws", str(int(ds.attrs["gaussian_draws"]))),
        macro("SeedOneThmReplicates", str(int(ds.attrs["replicates"]))),
        macro("SeedOneThmTrainingWidth", str(int(ds.attrs["training_width"]))),
        macro("SeedOneThmTrainingDepths", values(ds["training_depth"].values)),
        macro("SeedOneThmTrainingDeepest", str(int(ds["training_depth"].max()))),
        macro("SeedOneThmTrainingReplicates", str(int(ds.attrs["training_replicates"]))),
        macro("SeedOneThmTrainingSteps", str(int(ds.attrs["training_steps"]))),
        macro("SeedOneThmStability", latex_plain(float(ds.attrs["stability"]))),
        macro("SeedOneThmActivations", ", ".join(str(a) for a in ds["activation"].values)),
        macro("SeedOneThmNetworkActivations", ", ".join(str(a) for a in ds["network_activation"].values)),
    ]
    # (a) against the theory: the largest |z| over the cells.
    se = (ds["variance_a_hi"] - ds["variance_a_lo"]) / (2 * Z_95)
    theory_a = ds["variance"].sel(depth=ds["network_depth"])
    z = np.abs((ds["variance_a"] - theory_a) / se)
    lines.append(macro("SeedOneThmGaussianMaxZ", latex_number(float(z.max()), 2)))
    direct = np.abs(ds["variance_direct"] - ds["variance"]) / ds["q"]
    lines.append(macro("SeedOneThmDirectGap", latex_number(float(direct.max()), 2)))
    # Lemma 1 on the (b) draws: the sample Var f0(x) over Q, pooled over the cells, and the
    # share of cells within two standard errors.
    q = ds["q"].sel(activation=ds["network_activation"], depth=ds["network_depth"])
    se1 = (ds["lemma1_variance_hi"] - ds["lemma1_variance_lo"]) / (2 * Z_95)
    z1 = np.abs((ds["lemma1_variance"] - q) / se1).values
    lines.append(macro("SeedOneThmLemmaOneRatio", latex_number(float((ds["lemma1_variance"] / q).mean()))))
    lines.append(macro("SeedOneThmLemmaOneWithin", f"{100 * float(np.mean(z1 < 2)):.0f}\\%"))
    lines.append(macro("SeedOneThmLemmaOneCells", str(z1.size)))
    tau = (ds["learning_rate"] * float(ds.attrs["training_steps"])).values
    lines.append(macro("SeedOneThmTauLow", latex_number(float(np.nanmin(tau)), 2)))
    lines.append(macro("SeedOneThmTauHigh", latex_number(float(np.nanmax(tau)), 2)))
    names = {"tanh": "Tanh", "relu": "Relu", "erf": "Erf"}
    deepest_theory = int(ds["depth"].max())
    for a in ds["activation"].values:
        if str(a) in names:
            cell = ds.sel(activation=a, phase="chaotic", depth=deepest_theory)
            lines.append(
                macro(f"SeedOneThm{names[str(a)]}ChaoticProportion", latex_number(float(cell["variance"] / cell["q"])))
            )
    # Per network activation and phase, at the narrowest width and the deepest depth of (b):
    # the RMS distance from the theory's output and the variance over the theorem's; (c) at the
    # deepest training depth: the median relative NTK change.
    deepest, narrowest = int(ds["network_depth"].max()), int(ds["width"].min())
    deepest_training = int(ds["training_depth"].max())
    lines.append(macro("SeedOneThmNarrowestWidth", str(narrowest)))
    lines.append(macro("SeedOneThmDeepest", str(deepest)))
    for a in ds["network_activation"].values:
        name = names.get(str(a), "")
        if not name:
            continue
        for phase in PHASES:
            cell = ds.sel(network_activation=a, phase=phase, width=narrowest, network_depth=deepest)
            lines.append(
                macro(f"SeedOneThm{name}{phase.capitalize()}DistanceB", latex_number(float(cell["distance_b"])))
            )
            ratio = float(cell["variance_b"]) / float(
                ds["variance_width"].sel(activation=a, phase=phase, width=narrowest, depth=deepest)
            )
            lines.append(macro(f"SeedOneThm{name}{phase.capitalize()}RatioB", latex_number(ratio)))
            change = ds["ntk_change"].sel(network_activation=a, phase=phase, training_depth=deepest_training)
            lines.append(
                macro(f"SeedOneThm{name}{phase.capitalize()}NtkChange", latex_number(float(np.nanmedian(change)), 2))
            )
    return "\n".join(lines) + "\n"


__all__ = [
    "BATCH_VALUES",
    "batch_size",
    "cell_identity",
    "unit_parameters",
    "EXPERIMENT",
    "PHASES",
    "THEOREM3_FIELDS",
    "Theorem3Settings",
    "Theory",
    "check_theorem3_config",
    "descent_factor",
    "direct_variance",
    "equicorrelated",
    "gaussian_outputs",
    "linearised_descent",
    "mean_interval",
    "network_draws",
    "ntk_regression",
    "phase_weight_variances",
    "reference_outputs",
    "regression_inputs",
    "regression_targets",
    "regression_weights",
    "scale_parameters",
    "settings_from_config",
    "theorem3_dataset",
    "theorem3_latex",
    "theorem_a",
    "theorem_variance",
    "theory",
    "trained_draws",
    "unit_spec",
    "variance_interval",
    "with_reductions",
]
