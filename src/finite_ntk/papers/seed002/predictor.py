r"""The NTK predictor with a stopping time and its projection term (seed 002, Proposition 6).

Gradient flow on the squared loss :math:`\tfrac12|f(X) - Y|^2` of an infinitely wide
network, started from :math:`f_0 = 0` (the centred predictor: the random function at
initialisation has mean zero and is left out, as in kernel regression), gives at time
:math:`t`

.. math::

    f_t(x) = \Theta(x, X)\,\Theta^{-1}\bigl(I - e^{-t\Theta}\bigr)\,Y,\qquad \Theta = \Theta(X, X),

without the dataset-size factor in the exponent (the seed's Remark 1). The row vector
:math:`P_t(x) = \Theta(x, X)\Theta^{-1}(I - e^{-t\Theta})` is the *projection term*. With
:math:`\Theta = V\operatorname{diag}(\lambda)V^\top`, the matrix
:math:`\Theta^{-1}(I - e^{-t\Theta})` has eigenvalues :math:`(1 - e^{-t\lambda})/\lambda
\le \min(t, 1/\lambda)`, so a bounded stopping time bounds the projection term however
small :math:`\lambda_{\min}` is; :math:`t = \infty` is kernel regression (Proposition 3).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def flow_weights(eigenvalues: ArrayLike, stopping_time: float) -> FloatArray:
    """:math:`(1 - e^{-t\\lambda})/\\lambda`, as :math:`t\\,(-\\mathrm{expm1}(-t\\lambda))/(t\\lambda)`
    so that small :math:`t\\lambda` keeps its digits; :math:`1/\\lambda` for
    ``stopping_time = inf``. Eigenvalues must be positive."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if (lam <= 0).any():
        raise ValueError(f"the kernel matrix is not positive definite (smallest eigenvalue {lam.min():.3g})")
    if math.isinf(stopping_time):
        return 1.0 / lam
    if not stopping_time > 0:
        raise ValueError(f"stopping_time: must be > 0 or inf, got {stopping_time!r}")
    tl = stopping_time * lam
    return stopping_time * -np.expm1(-tl) / tl


def projection_operator_norm(smallest_eigenvalue: ArrayLike, stopping_time: float) -> FloatArray:
    """Spectral norm of the projection operator :math:`\\Theta^{-1}(I - e^{-t\\Theta})` on the
    training set (Theorem 3's quantity), from :math:`\\lambda_{\\min}(\\Theta)` alone:
    :math:`(1 - e^{-t\\lambda})/\\lambda` falls with :math:`\\lambda` (as
    :math:`1 - e^{-u} \\ge u e^{-u}`), so its largest value over the spectrum is at
    :math:`\\lambda_{\\min}`: :math:`1/\\lambda_{\\min}` without stopping, at most
    :math:`\\min(t, 1/\\lambda_{\\min})` with it. Stopping acts where
    :math:`t\\lambda_{\\min} \\lesssim 1`; where :math:`t\\lambda_{\\min} \\gg 1` the stopped and the
    unstopped norms coincide."""
    return flow_weights(smallest_eigenvalue, stopping_time)


def projection_term(k_test: ArrayLike, k_train: ArrayLike, stopping_time: float) -> FloatArray:
    """:math:`P_t = \\Theta(x, X)\\Theta^{-1}(I - e^{-t\\Theta})`, one row per test point;
    ``k_test`` is :math:`\\Theta(x, X)` (n_test x n), ``k_train`` is :math:`\\Theta(X, X)`."""
    eigenvalues, vectors = np.linalg.eigh(np.asarray(k_train, dtype=np.float64))
    weights = flow_weights(eigenvalues, stopping_time)
    return ((np.asarray(k_test, dtype=np.float64) @ vectors) * weights) @ vectors.T


def ntk_predict(k_test: ArrayLike, k_train: ArrayLike, y_train: ArrayLike, stopping_time: float) -> FloatArray:
    """:math:`f_t(x) = P_t(x)\\,Y` (targets ``y_train``: n x outputs)."""
    return projection_term(k_test, k_train, stopping_time) @ np.asarray(y_train, dtype=np.float64)


class ClassificationScores(NamedTuple):
    """Scores of a predictor of one-hot targets."""

    mse: float  # mean over points and classes of (f - one-hot)^2
    accuracy: float  # fraction of points whose largest output is their class
    f1: float  # macro-averaged F1 over the classes


def classification_scores(prediction: ArrayLike, labels: ArrayLike, classes: int) -> ClassificationScores:
    """MSE against the one-hot targets, accuracy and macro F1 (scikit-learn) of ``prediction``
    (n x classes) for integer ``labels``."""
    from sklearn.metrics import f1_score

    prediction = np.asarray(prediction, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    one_hot = np.eye(classes)[labels]
    predicted = np.argmax(prediction, axis=1)
    return ClassificationScores(
        mse=float(np.mean((prediction - one_hot) ** 2)),
        accuracy=float(np.mean(predicted == labels)),
        f1=float(f1_score(labels, predicted, labels=np.arange(classes), average="macro", zero_division=0)),
    )


__all__ = [
    "flow_weights",
    "projection_operator_norm",
    "projection_term",
    "ntk_predict",
    "ClassificationScores",
    "classification_scores",
]
