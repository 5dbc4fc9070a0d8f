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

from finite_ntk.comparison import DEFAULT as DEFAULT_COMPARISON
from finite_ntk.comparison import Comparison
from finite_ntk.config import config_value


class Source(NamedTuple):
    """A kind of data product a figure (or a report table) reads. ``files`` are patterns
    relative to the run's data directory (``data/<run>/``), used by the figure diff; the
    workflow resolves the exact files of a run from its config
    (``workflow/rules/common.smk``). ``comparison``:
    how the figure diff compares them across machines (:mod:`finite_ntk.comparison`: the
    precision they were computed in, per-variable tolerances, round-off envelopes)."""

    files: tuple[str, ...]
    many: bool  # a list of datasets (True) or one dataset (False)
    comparison: Comparison = DEFAULT_COMPARISON


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
    latex_label: str = ""  # its LaTeX label in report/src; default fig:<name>

    @property
    def label(self) -> str:
        """LaTeX label of the figure in the report: seed000fig1a -> fig:seed000fig1a."""
        return self.latex_label or "fig:" + self.name

    def config_fields(self) -> list[str]:
        """Dotted config paths its arguments read (the plotting job's params)."""
        return sorted(value.path for value in self.arguments.values() if isinstance(value, FromConfig))

    def data_patterns(self, sources: Mapping[str, Source]) -> tuple[str, ...]:
        """Files it is drawn from, as patterns relative to the data directory (``sources``:
        its paper's data sources)."""
        patterns = (pattern for source in self.inputs.values() for pattern in sources[source].files)
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
