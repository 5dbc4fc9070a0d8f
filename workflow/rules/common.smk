# Paths and helpers shared by the rules files (kept apart from the rules, as the
# Snakemake linter asks). Everything here is read at parse time, in every cluster job
# too: finite_ntk.papers and the papers' settings modules import no JAX or matplotlib.
#
# Each paper's rules file (finite_ntk.papers.PAPERS[...].rules) ends with one call of
# register_paper(...): the files it makes, its figures' data sources as this run's files,
# the files its claims read and the generated parts of the report it writes. The
# Snakefile's targets, figures.smk, report.smk and the figure diff read only that.
from typing import NamedTuple

from finite_ntk.config import config_subset
from finite_ntk.papers import FIGURES as FIGURE_REGISTRY, FIGURE_PAPER, PAPERS, SOURCES


class PaperOutputs(NamedTuple):
    """What one paper's rules file makes in this run."""

    targets: list  # its data products and the report parts made from them alone (its target rule's)
    sources: dict  # data source (finite_ntk.papers.SOURCES) -> files, or a function: figure name -> files
    claim_inputs: dict  # key of its claims module's load_claim_inputs -> files
    report_parts: dict  # generated/<name>.tex of the report -> file
    report_files: dict  # a folder of the report's build (e.g. precise/) -> files copied into it


PAPER_OUTPUTS = {}


def register_paper(paper_id, targets, sources, claim_inputs, report_parts=None, report_files=None):
    """Called once at the end of each paper's rules file."""
    if paper_id not in PAPERS:
        raise WorkflowError(f"register_paper: {paper_id!r} is not in finite_ntk.papers.PAPERS")
    if paper_id in PAPER_OUTPUTS:
        raise WorkflowError(f"register_paper: paper {paper_id!r} registered twice")
    declared = set(PAPERS[paper_id].figures_module().SOURCES)
    if set(sources) != declared:
        raise WorkflowError(
            f"register_paper({paper_id!r}): files for data sources {sorted(sources)}, "
            f"but its figures module declares {sorted(declared)}"
        )
    PAPER_OUTPUTS[paper_id] = PaperOutputs(
        list(targets), dict(sources), dict(claim_inputs), dict(report_parts or {}), dict(report_files or {})
    )


def declared_files(source, **fields):
    """This run's files of a data source, from the patterns its paper declares
    (finite_ntk.papers.SOURCES: paths relative to data/<run>/, a '*' standing for the
    values of the one field given), so that each data path is written once."""
    paths = []
    for pattern in SOURCES[source].files:
        if "*" not in pattern:
            paths.append(f"{DATA}/{pattern}")
            continue
        if len(fields) != 1:
            raise WorkflowError(f"data source {source!r}: pattern {pattern!r} needs the values of one field")
        (values,) = fields.values()
        paths += [f"{DATA}/{pattern.replace('*', str(value))}" for value in values]
    return paths


def check_every_paper_registered():
    """After the papers' rules files: each registered paper called register_paper once."""
    missing = [paper_id for paper_id in PAPERS if paper_id not in PAPER_OUTPUTS]
    if missing:
        raise WorkflowError(f"the rules files of {', '.join(missing)} did not call register_paper(...)")


def lookup_job(jobs, stem, what):
    """The job of output ``stem`` among a paper's ``jobs`` (by stem), or one clear error."""
    if stem not in jobs:
        raise WorkflowError(f"{what}: no job {stem!r} in this config; known: {', '.join(jobs)}")
    return jobs[stem]


def source_files(source, figure):
    """The files of data source ``source`` for ``figure`` in this run."""
    for outputs in PAPER_OUTPUTS.values():
        if source in outputs.sources:
            files = outputs.sources[source]
            return list(files(figure) if callable(files) else files)
    raise WorkflowError(f"data source {source!r} has no files in this run; known: {', '.join(SOURCES)}")


def figures_of(paper_id=None, sources=None):
    """Registered figures of ``paper_id`` (every paper: None) reading only ``sources``."""
    return [
        figure
        for figure in FIGURE_REGISTRY
        if (paper_id is None or FIGURE_PAPER[figure.name] == paper_id)
        and (sources is None or set(figure.inputs.values()) <= set(sources))
    ]


def figure_targets(paper_id=None, sources=None):
    return [f"{FIGURE_DIR}/{figure.name}.{ext}" for figure in figures_of(paper_id, sources) for ext in ("pdf", "png")]


def paper_targets(paper_id=None):
    """The data products of one paper, or of every paper."""
    ids = [paper_id] if paper_id else list(PAPER_OUTPUTS)
    return [path for pid in ids for path in PAPER_OUTPUTS[pid].targets]


# ---- report helpers (report.smk)
REPORT_SOURCE = "report/src"
REFERENCE_FIGURES = "figures/reference"
