"""Shared style and reproducible figure files.

PDF and PNG files are written without creation dates or software stamps, so an unchanged
figure is byte-for-byte unchanged and a figure diff shows only real changes.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Colours of the report: ReLU red, GELU blue, sigmoid green; seed 001's tanh orange, erf purple.
ACTIVATION_COLOURS: dict[str, str] = {
    "relu": "tab:red",
    "gelu": "tab:blue",
    "sigmoid": "tab:green",
    "tanh": "tab:orange",
    "erf": "tab:purple",
}
ACTIVATION_LABELS: dict[str, str] = {
    "relu": "ReLU",
    "gelu": "GELU",
    "sigmoid": "Sigmoid-like (erf)",
    "tanh": "tanh",
    "erf": "erf",
}
FIGURE_FORMATS: tuple[str, ...] = ("pdf", "png")
PNG_DPI = 150

STYLE = {
    "figure.figsize": (5.0, 3.6),
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.fontsize": 8,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,
    "svg.hashsalt": "finite-ntk",
}


def apply_style() -> None:
    plt.rcParams.update(STYLE)


def save_figure(fig: plt.Figure, stem: str | os.PathLike) -> list[Path]:
    """Write ``stem.pdf`` and ``stem.png`` reproducibly (no dates, no software stamp),
    each through a temporary file and a rename; closes the figure."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FIGURE_FORMATS:
        target = stem.with_suffix(f".{fmt}")
        tmp = target.with_name(f".{target.name}.tmp")
        if fmt == "pdf":
            metadata = {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}
        else:
            metadata = {"Software": None}
        fig.savefig(tmp, format=fmt, dpi=PNG_DPI, metadata=metadata)
        os.replace(tmp, target)
        written.append(target)
    plt.close(fig)
    return written
