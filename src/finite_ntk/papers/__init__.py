"""The papers this workflow reproduces: one entry each in :data:`PAPERS`.

A paper is one package ``finite_ntk.papers.<id>`` (its experiments, reductions, figures,
claims and report part) and one rules file ``workflow/rules/<id>.smk``. Papers import the
shared engines (``models``, ``samplers``, ``training``, ``mean_field``, ``stats``,
``seeding``, ``io``, ``figures``, ``claims``, ``plotting``), never each other; nothing below
this package imports it. The Snakefile, the figure jobs, the claims table, the report build
and the figure diff iterate :data:`PAPERS`, so adding a paper is one entry in
:data:`BUILTIN_PAPERS` plus the paper's own files (``docs/extending.md`` walks through one).

Out-of-tree papers: ``FINITE_NTK_EXTRA_PAPERS`` may name importable modules (comma
separated), each exporting ``PAPER`` (a :class:`Paper`); they are appended to the registry.
The DAG test registers a dummy paper this way.

Plain data: importing this package imports each paper's ``figures`` module only (no JAX,
neural-tangents or matplotlib), because Snakemake reads it when it parses the workflow.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import MappingProxyType, ModuleType
from typing import Mapping

from finite_ntk.figures import Figure, Source

EXTRA_PAPERS_VARIABLE = "FINITE_NTK_EXTRA_PAPERS"


@dataclass(frozen=True)
class Paper:
    """One reproduced paper: where its parts live. Module paths are dotted strings,
    imported when used (the claims module may import JAX-free numpy code only)."""

    id: str  # "seed001": the prefix of its figure and claim ids, its target rule's name
    title: str  # the paper's title, for the report and the docs
    config_sections: tuple[str, ...]  # top-level config keys it owns
    rules: str  # its Snakemake rules file, relative to the repository root (or absolute)
    figures: str  # module with SOURCES and FIGURES
    claims: str  # module with CLAIMS and load_claim_inputs (finite_ntk.claims describes them)
    report_section: str | None = None  # its chapter under report/src/sections/, if any
    # Module with CONTROLS: claim key -> finite_ntk.claims.Control (a positive and a
    # negative control per claim; tests/test_claim_controls.py runs them all).
    controls: str | None = None

    def figures_module(self) -> ModuleType:
        return importlib.import_module(self.figures)

    def claims_module(self) -> ModuleType:
        return importlib.import_module(self.claims)

    def controls_module(self) -> ModuleType | None:
        return importlib.import_module(self.controls) if self.controls else None


def _builtin(paper_id: str, title: str, config_sections: tuple[str, ...], report_section: str | None) -> Paper:
    package = f"finite_ntk.papers.{paper_id}"
    return Paper(
        id=paper_id,
        title=title,
        config_sections=config_sections,
        rules=f"workflow/rules/{paper_id}.smk",
        figures=f"{package}.figures",
        claims=f"{package}.claims",
        report_section=report_section,
        controls=f"{package}.claim_controls",
    )


# The papers in report order. A new paper: one entry here.
BUILTIN_PAPERS: tuple[Paper, ...] = (
    _builtin(
        "seed000",
        "NTK analysis for finite width and depth",
        ("activations", "network", "monte_carlo", "training"),
        None,  # the report's main chapters (report/src/sections/*.tex) are this paper's
    ),
    _builtin(
        "seed001",
        "Analyzing Finite Neural Networks: Can We Trust NTK Theory?",
        ("seed001",),
        "seed001.tex",
    ),
    _builtin(
        "seed002",
        "Revisiting the NTK: the role of large width and depth",
        ("seed002",),
        "seed002.tex",
    ),
)


def _extra_papers() -> tuple[Paper, ...]:
    names = [name.strip() for name in os.environ.get(EXTRA_PAPERS_VARIABLE, "").split(",") if name.strip()]
    papers = []
    for name in names:
        paper = getattr(importlib.import_module(name), "PAPER", None)
        if not isinstance(paper, Paper):
            raise ValueError(f"{EXTRA_PAPERS_VARIABLE}: module {name!r} exports no PAPER (a finite_ntk.papers.Paper)")
        papers.append(paper)
    return tuple(papers)


def _registry(papers: tuple[Paper, ...]) -> Mapping[str, Paper]:
    registry: dict[str, Paper] = {}
    for paper in papers:
        if paper.id in registry:
            raise ValueError(f"paper {paper.id!r} registered twice")
        registry[paper.id] = paper
    return MappingProxyType(registry)


PAPERS: Mapping[str, Paper] = _registry(BUILTIN_PAPERS + _extra_papers())


def collect_figures(
    papers: Mapping[str, Paper],
) -> tuple[dict[str, Source], tuple[Figure, ...], dict[str, str]]:
    """Every paper's data sources and figures, checked: ids carry their paper, sources and
    figure names are unique, a figure reads only its own paper's sources. Returns the
    sources by name, the figures in registry order and each figure's paper."""
    sources: dict[str, Source] = {}
    figures: list[Figure] = []
    paper_of: dict[str, str] = {}
    for paper in papers.values():
        module = paper.figures_module()
        for name, source in module.SOURCES.items():
            if name in sources:
                raise ValueError(f"paper {paper.id}: data source {name!r} is declared by another paper too")
            sources[name] = source
        for figure in module.FIGURES:
            if not figure.name.startswith(paper.id):
                raise ValueError(f"paper {paper.id}: figure {figure.name!r} must start with {paper.id!r}")
            unknown = set(figure.inputs.values()) - set(module.SOURCES)
            if unknown:
                raise ValueError(
                    f"figure {figure.name}: unknown data sources {sorted(unknown)}; "
                    f"allowed (paper {paper.id}): {', '.join(module.SOURCES)}"
                )
            if figure.name in paper_of:
                raise ValueError(f"figure {figure.name!r} registered twice")
            paper_of[figure.name] = paper.id
            figures.append(figure)
    return sources, tuple(figures), paper_of


SOURCES, FIGURES, FIGURE_PAPER = collect_figures(PAPERS)
FIGURES_BY_NAME: dict[str, Figure] = {figure.name: figure for figure in FIGURES}


def figures_of(paper_id: str) -> tuple[Figure, ...]:
    """The figures of one paper, in registry order."""
    return tuple(figure for figure in FIGURES if FIGURE_PAPER[figure.name] == paper_id)


__all__ = [
    "EXTRA_PAPERS_VARIABLE",
    "FIGURES",
    "FIGURES_BY_NAME",
    "FIGURE_PAPER",
    "PAPERS",
    "BUILTIN_PAPERS",
    "Paper",
    "SOURCES",
    "collect_figures",
    "figures_of",
]
