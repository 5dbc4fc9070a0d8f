"""Papers as units: the registry, the direction of imports (papers -> engines, never a paper
to another), and a fourth paper that plugs into the workflow without touching a shared file."""

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from finite_ntk.papers import FIGURE_PAPER, FIGURES, PAPERS, SOURCES

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "finite_ntk"
# Top-level tools that read the registry itself (everything else is an engine or a paper).
REGISTRY_READERS = {"finite_ntk.figdiff", "finite_ntk.papers"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Absolute finite_ntk modules a file imports (the package uses absolute imports only)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import (the package imports absolutely)"
            names.add(node.module or "")
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name.startswith("finite_ntk")}


def paper_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "papers" else None


def test_imports_run_from_papers_to_engines_only():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        own = paper_of(module)
        for imported in imported_modules(path):
            other = paper_of(imported)
            if module in REGISTRY_READERS:
                continue
            if own is None and imported.startswith("finite_ntk.papers"):
                problems.append(f"engine {module} imports {imported}")
            elif own is not None and imported == "finite_ntk.papers":
                problems.append(f"{module} imports the paper registry")
            elif own is not None and other is not None and other != own:
                problems.append(f"{module} (paper {own}) imports {imported} (paper {other})")
    assert not problems, "\n".join(problems)


def test_every_paper_has_its_parts_and_prefixed_ids():
    assert list(PAPERS) == ["seed000", "seed001", "seed002"]
    for paper in PAPERS.values():
        assert (ROOT / paper.rules).is_file(), paper.rules
        assert paper.figures_module().FIGURES, paper.id
        if paper.report_section:
            assert (ROOT / "report" / "src" / "sections" / paper.report_section).is_file()
    for figure in FIGURES:
        assert figure.name.startswith(FIGURE_PAPER[figure.name])
    assert set(SOURCES) == {source for paper in PAPERS.values() for source in paper.figures_module().SOURCES}


TOY_FIGURES = """
from finite_ntk.figures import Figure, Source

SOURCES = {"seed999_numbers": Source(("seed999/numbers.nc",), many=False)}
FIGURES = (
    Figure(
        name="seed999fig1",
        original="Toy, Figure 1",
        caption="The toy paper's numbers.",
        category="Toy",
        subcategory="Numbers",
        inputs={"ds": "seed999_numbers"},
        plot="toy_paper.plots:plot_numbers",
    ),
)
"""
TOY_PAPER = """
from pathlib import Path

from finite_ntk.papers import Paper

PAPER = Paper(
    id="seed999",
    title="A toy fourth paper",
    config_sections=(),
    rules=str(Path(__file__).with_name("seed999.smk")),
    figures="toy_paper.figures",
    claims="toy_paper.claims",
)
"""
TOY_RULES = """
rule seed999_numbers:
    output:
        f"{DATA}/seed999/numbers.nc",
    params:
        settings=config_subset(config, ["root_seed"]),
    script:
        "numbers.py"


register_paper(
    "seed999",
    targets=[f"{DATA}/seed999/numbers.nc"],
    sources={"seed999_numbers": [f"{DATA}/seed999/numbers.nc"]},
    claim_inputs={"numbers": [f"{DATA}/seed999/numbers.nc"]},
)
"""


@pytest.mark.slow  # two dry runs of the whole workflow
def test_a_fourth_paper_joins_the_workflow_through_its_registry_entry_alone(tmp_path):
    """A toy paper outside the repository (registered through FINITE_NTK_EXTRA_PAPERS, as a
    user's own paper would be) gets its data job, its figure job, a place in the claims
    inputs and its own target, while the repository's files stay as they are."""
    package = tmp_path / "toy_paper"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(TOY_PAPER))
    (package / "figures.py").write_text(textwrap.dedent(TOY_FIGURES))
    (package / "seed999.smk").write_text(textwrap.dedent(TOY_RULES))
    (package / "numbers.py").write_text("# the toy's job script (a dry run never runs it)\n")
    env = {
        **os.environ,
        "FINITE_NTK_EXTRA_PAPERS": "toy_paper",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
    }
    before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout

    def dry_run(*targets: str) -> str:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "snakemake",
                "-n",
                "--cores",
                "1",
                "--configfile",
                "config/smoke.yaml",
                "--forceall",
                *targets,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout

    everything = dry_run()
    for rule in ("seed999_numbers", "plot_seed999fig1", "report_claims", "build_report"):
        assert f"rule {rule}:" in everything or f"localrule {rule}:" in everything, rule
    own = dry_run("seed999")
    assert "seed999_numbers" in own and "plot_seed999fig1" in own
    assert "sample_fnn" not in own and "seed001_sample" not in own
    assert subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout == before


def test_claims_and_controls_import_no_jax():
    """The claims table's job reads netCDF with numpy: its modules must not pull in JAX
    (seconds per job, and the registry's promise)."""
    modules = [m for paper in PAPERS.values() for m in (paper.claims, paper.controls) if m]
    code = "import sys\nfor name in ('jax', 'jaxlib', 'neural_tangents', 'optax', 'matplotlib'):\n    sys.modules[name] = None\n"
    code += "".join(f"import {module}\n" for module in modules)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]


def test_every_config_section_belongs_to_one_paper_or_to_the_run():
    """The registry's config sections partition the paper config's top-level keys: besides
    the run's own settings and the shared heavy-tails section, each key is owned by exactly one paper."""
    from finite_ntk.config import load_config

    run_settings = {"run", "root_seed", "precision", "heavy_tails"}  # heavy_tails: shared by two papers' verdicts
    owners: dict[str, list[str]] = {}
    for paper in PAPERS.values():
        for section in paper.config_sections:
            owners.setdefault(section, []).append(paper.id)
    config = load_config(ROOT / "config" / "config.yaml")
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}
    assert set(owners) | run_settings == set(config), "a config section without a paper, or a paper's missing section"
