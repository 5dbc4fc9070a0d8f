"""Docs that stay true: every ``finite_ntk`` name, repository path, figure and claim id that
the documentation mentions exists.

Read: README.md, docs/*.md, config/README.md, figures/reference/README.md and
workflow/report/*.rst (whole text; markdown links and their anchors too); the comments of
config/*.yaml, of the Snakefile and workflow/rules/*.smk and of report/src/**/*.tex; the
comments and docstrings of src/finite_ntk/**/*.py and workflow/scripts/*.py. In them:

- a dotted name ``finite_ntk.x.y`` (or ``finite_ntk.x:y``, a "module:function" spec) must
  be a module of the package or an attribute of one (a class's attribute too). Names are
  resolved from the source files' syntax trees, so no module is imported (no JAX); only a
  name the trees cannot show is looked up by importing its module;
- a short name in backticks whose first part is one of the package's areas, current or
  former (`samplers.dispatch.SAMPLERS`, `plan.config_subset`), must resolve as
  ``finite_ntk.<name>`` or be a config key (`training.fnn.figures`);
- in the package's docstrings, a relative reference (:mod:`.report`) must resolve, and so
  must each module a package's docstring lists ("- ``schedule``: ...");
- a repository path (``workflow/rules/seed001.smk``, ``src/finite_ntk/papers/seed000/plan.py``,
  ``config/*.yaml``) must exist; a glob must match something. Run outputs
  (``data/...``, ``figures/<run>/...``, ``report/<run>/...``), placeholders (``<paper>``,
  ``{2,3}``) and the files a user is told to create (:data:`USER_FILES`) are not checked;
- a markdown link to a repository file must reach it, and its ``#anchor`` one of the
  target's headings;
- a figure (``seed000fig1a``) or its plotting rule (``plot_seed000fig1a``) must be in
  ``finite_ntk.papers.FIGURES``, a claim id (``seed001.3``, ``seed000.1.relu.max``) in a
  paper's ``CLAIMS``; the pages and config comments cite claims by id, never by the old
  single numbering ("claims 13-20").

The toy paper of docs/extending.md's walkthrough (:data:`TOY_PAPER`) is not checked. The
last tests run the resolver on made-up text, to show that it catches stale mentions.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import tokenize
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "finite_ntk"

# Paths that a page tells the user to create (they do not exist in the repository).
USER_FILES = {"config/residual.yaml"}
# The toy paper of docs/extending.md's walkthrough (and of tests/test_papers.py): its
# package, rules file, figures and claims are what a reader creates.
TOY_PAPER = "seed999"

# First parts of a short backticked name that are checked: the package's top-level modules
# and the areas it had before the papers became units (their mentions are stale by now).
FORMER_AREAS = {"monte_carlo", "plan", "deep_kernel", "phase_diagram", "threefry", "kernels"}

FILE_EXTENSIONS = {
    "py",
    "smk",
    "yaml",
    "yml",
    "md",
    "tex",
    "pdf",
    "png",
    "nc",
    "csv",
    "tsv",
    "json",
    "txt",
    "sh",
    "lock",
    "toml",
    "rst",
    "html",
    "log",
    "gz",
}

# Top-level folders whose paths are checked; data/ (run outputs) is skipped, as are
# figures/ and report/ apart from figures/reference/ and report/src/.
PATH_ROOTS = (
    "src",
    "workflow",
    "config",
    "docs",
    "tests",
    "report",
    "figures",
    "data",
    "envs",
    "profiles",
    "tools",
    "benchmarks",
    ".ci",
    "finite_ntk",
)
PATH_PATTERN = re.compile(
    r"(?<![\w./-])(?:(?:" + "|".join(re.escape(r) for r in PATH_ROOTS) + r")/[^\s`'\"(),;|#\]\[]*"
    r"|[A-Z][A-Z0-9_-]*\.md\b)"  # or a top-level page: README.md
)
NAME_PATTERN = re.compile(r"(?<![\w./-])finite_ntk\b(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*)?")
SHORT_PATTERN = re.compile(r"``?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)``?")
LINK_PATTERN = re.compile(r"\]\(([^)\s]+)\)")
# A figure of the registry (seed000fig1a, also inside the rule name plot_seed000fig1a), a
# figure's plotting rule (plot_seed000fig1a) and a claim id (seed001.3, seed000.1.relu.max).
FIGURE_PATTERN = re.compile(r"(?<![A-Za-z0-9*])seed\d{3}(?:fig|table)[A-Za-z0-9]*(?![\w*])")
RULE_PATTERN = re.compile(r"(?<![\w/])plot_((?:seed\d{3})?(?:fig|table)\w*)")
CLAIM_PATTERN = re.compile(r"(?<![\w.])seed\d{3}\.\d+(?:\.[A-Za-z]\w*)*")
# "claims 13-20": the numbering of one table for all papers, before the ids (in the pages and
# config comments; a paper's own modules may count its claims).
CLAIM_NUMBER_PATTERN = re.compile(r"\b[Cc]laims? \d+")
# In the package's docstrings: a relative Sphinx reference (:mod:`.report`), and the modules
# a package's docstring lists ("- ``schedule``: ...").
RELATIVE_PATTERN = re.compile(r":(?:mod|func|class|data|attr|meth|exc):`~?(\.[A-Za-z_][\w.]*)`")
LISTED_MODULE_PATTERN = re.compile(r"^- ``([a-z_]\w*)``", flags=re.M)


class Mention(NamedTuple):
    file: str  # relative to the repository root
    line: int
    kind: str  # "name", "short", "relative", "path", "link", "figure", "rule", "claim", "claim number"
    text: str


# ---- where mentions are read


def doc_files() -> list[Path]:
    """Every file whose text, comments or docstrings are checked."""
    files = [ROOT / "README.md", ROOT / "config" / "README.md", ROOT / "figures" / "reference" / "README.md"]
    files += sorted((ROOT / "docs").glob("*.md"))
    files += sorted((ROOT / "config").glob("*.yaml"))
    files += [ROOT / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
    files += sorted((ROOT / "report" / "src").rglob("*.tex")) + sorted((ROOT / "workflow" / "report").glob("*.rst"))
    files += sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "workflow" / "scripts").glob("*.py"))
    return [path for path in files if path.is_file()]


def hash_comments(text: str) -> Iterator[tuple[int, str]]:
    """``#`` comments of a YAML or Snakemake file (a ``#`` at a line's start or after a space)."""
    for number, line in enumerate(text.splitlines(), 1):
        match = re.search(r"(?:^|\s)#(.*)$", line)
        if match:
            yield number, match.group(1)


def tex_comments(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        match = re.search(r"(?<!\\)%(.*)$", line)
        if match:
            yield number, match.group(1)


def python_docs(text: str) -> Iterator[tuple[int, str]]:
    """Comments and docstrings of a Python file, with their first line numbers."""
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                if isinstance(body[0].value.value, str):
                    yield body[0].lineno, body[0].value.value


def readable_parts(path: Path) -> list[tuple[int, str]]:
    """(first line number, text) of the parts of ``path`` that are documentation."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".md", ".rst"):
        return [(1, text)]
    if path.suffix in (".yaml", ".smk") or path.name == "Snakefile":
        return list(hash_comments(text))
    if path.suffix == ".tex":
        return list(tex_comments(text))
    return list(python_docs(text))


def mentions(text: str, file: str, first_line: int = 1, markdown: bool = False) -> list[Mention]:
    """Every checked mention in ``text`` (the ``file`` it comes from, for messages)."""
    found = []

    def line_of(index: int) -> int:
        return first_line + text.count("\n", 0, index)

    for match in NAME_PATTERN.finditer(text):
        name, after = match.group(), text[match.end() : match.end() + 2]
        if name == "finite_ntk" or after[:1] in ("<", "*", "{") or after in (".<", ".*", ".{"):
            continue  # the package itself, or a placeholder (finite_ntk.papers.<id>)
        found.append(Mention(file, line_of(match.start()), "name", name))
    for match in SHORT_PATTERN.finditer(text):
        name = match.group(1)
        first, last = name.split(".")[0], name.split(".")[-1]
        if first in short_name_areas() and last not in FILE_EXTENSIONS:
            found.append(Mention(file, line_of(match.start()), "short", name))
    for match in PATH_PATTERN.finditer(text):
        path = match.group().rstrip(".:")
        found.append(Mention(file, line_of(match.start()), "path", path))
    for pattern, kind in ((FIGURE_PATTERN, "figure"), (CLAIM_PATTERN, "claim")):
        found += [Mention(file, line_of(match.start()), kind, match.group()) for match in pattern.finditer(text)]
    for match in RULE_PATTERN.finditer(text):
        if match.group(1) != "figure":  # plot_figure.py, the one plotting script
            found.append(Mention(file, line_of(match.start()), "rule", match.group()))
    if markdown:
        for match in LINK_PATTERN.finditer(text):
            found.append(Mention(file, line_of(match.start()), "link", match.group(1)))
    if markdown or file.endswith((".rst", ".yaml")):
        for match in CLAIM_NUMBER_PATTERN.finditer(text):
            found.append(Mention(file, line_of(match.start()), "claim number", match.group()))
    return found


def package_mentions(text: str, file: str, first_line: int, path: Path) -> list[Mention]:
    """Relative references of a package module's docstrings, as absolute names."""
    parts = path.relative_to(SRC).with_suffix("").parts
    module = ".".join(parts[:-1] if path.name == "__init__.py" else parts)
    found = []

    def line_of(index: int) -> int:
        return first_line + text.count("\n", 0, index)

    for match in RELATIVE_PATTERN.finditer(text):
        # Sphinx looks a leading-dot name up in the current module, then beside it.
        candidates = (module + match.group(1), module.rsplit(".", 1)[0] + match.group(1))
        found.append(Mention(file, line_of(match.start()), "relative", " or ".join(candidates)))
    if path.name == "__init__.py":
        for match in LISTED_MODULE_PATTERN.finditer(text):
            found.append(Mention(file, line_of(match.start()), "relative", f"{module}.{match.group(1)}"))
    return found


def file_mentions(path: Path) -> list[Mention]:
    file = str(path.relative_to(ROOT))
    found = []
    for first_line, text in readable_parts(path):
        found += mentions(text, file, first_line, markdown=path.suffix == ".md")
        if path.is_relative_to(PACKAGE):
            found += package_mentions(text, file, first_line, path)
    return found


# ---- resolving names


def module_file(dotted: str) -> Path | None:
    base = SRC.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=None)
def module_tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def defined_names(body: list[ast.stmt], module: str) -> dict[str, ast.AST | str]:
    """Names a module or class body defines: the node, or the dotted name an import binds."""
    names: dict[str, ast.AST | str] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for element in ast.walk(target):
                    if isinstance(element, ast.Name):
                        names[element.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                source = ".".join(module.split(".")[: -node.level] + ([source] if source else []))
            for alias in node.names:
                names[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                names[bound] = alias.name if alias.asname else bound
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            inner = list(node.body) + list(getattr(node, "orelse", [])) + list(getattr(node, "finalbody", []))
            for handler in getattr(node, "handlers", []):
                inner += handler.body
            names.update(defined_names(inner, module))
    return names


def resolve_statically(dotted: str, depth: int = 0) -> bool:
    """Whether ``dotted`` is a module of the package or an attribute that its source defines."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        path = module_file(module)
        if path is None:
            continue
        body: list[ast.stmt] = module_tree(path).body
        scope = module
        for index, attribute in enumerate(parts[cut:], start=cut):
            target = defined_names(body, scope).get(attribute)
            if target is None:
                return False
            rest = parts[index + 1 :]
            if isinstance(target, str):  # imported: follow it inside the package, trust it outside
                if not target.startswith("finite_ntk") or depth > 5:
                    return True
                return resolve_statically(".".join([target, *rest]), depth + 1)
            if not rest:
                return True
            if not isinstance(target, ast.ClassDef):
                return False  # an attribute of a value: left to the import below
            body, scope = target.body, f"{scope}.{attribute}"
        return True
    return False


def resolve_by_import(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        if module_file(".".join(parts[:cut])) is None:
            continue
        try:
            value = importlib.import_module(".".join(parts[:cut]))
            for attribute in parts[cut:]:
                value = getattr(value, attribute)
        except (ImportError, AttributeError):
            return False
        return True
    return False


def name_resolves(name: str) -> bool:
    dotted = name.replace(":", ".")
    return resolve_statically(dotted) or resolve_by_import(dotted)


@lru_cache(maxsize=None)
def short_name_areas() -> frozenset[str]:
    current = {path.stem for path in PACKAGE.glob("*.py")} | {
        path.parent.name for path in PACKAGE.glob("*/__init__.py")
    }
    return frozenset((current - {"__init__"}) | FORMER_AREAS)


@lru_cache(maxsize=None)
def config_keys() -> frozenset[str]:
    """Every dotted key of the config files and of the schema's properties."""
    keys: set[str] = set()

    def walk(value: object, prefix: str, schema: bool = False) -> None:
        if not isinstance(value, dict):
            return
        if schema:
            for key, sub in (value.get("properties") or {}).items():
                keys.add(prefix + key)
                walk(sub, f"{prefix}{key}.", schema=True)
            for sub in (value.get("additionalProperties"), value.get("items")):
                if isinstance(sub, dict):
                    walk(sub, prefix, schema=True)
            for sub in value.get("anyOf", []) + value.get("oneOf", []) + value.get("allOf", []):
                walk(sub, prefix, schema=True)
            return
        for key, sub in value.items():
            keys.add(prefix + str(key))
            walk(sub, f"{prefix}{key}.")

    for path in (ROOT / "config").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text()), "")
    schema = yaml.safe_load((PACKAGE / "schemas" / "config.schema.yaml").read_text())
    for name, definition in (schema.get("$defs") or schema.get("definitions") or {}).items():
        walk(definition, "", schema=True)  # shared definitions: their keys may sit under any section
    walk(schema, "", schema=True)
    return frozenset(keys)


def short_name_resolves(name: str) -> bool:
    return name_resolves(f"finite_ntk.{name}") or name in config_keys()


# ---- resolving paths and links


def path_problem(path: str) -> str | None:
    """Why a mentioned repository path is wrong, or None (also for paths not checked)."""
    if any(mark in path for mark in "<>{}$") or path in USER_FILES:
        return None  # a placeholder, or a file the reader creates
    parts = path.split("/")
    if parts[0] == "data" or (parts[0] == "figures" and parts[1:2] != ["reference"]):
        return None  # run outputs
    if parts[0] == "report" and parts[1:2] != ["src"]:
        return None
    if parts[0] == "report" and parts[2:3] == ["generated"]:
        return None  # written by the report build
    base = SRC if parts[0] == "finite_ntk" else ROOT
    if "*" in path or "?" in path:
        return None if any(base.glob(path)) else "matches no file"
    return None if (base / path).exists() else "does not exist"


def slug(heading: str) -> str:
    """GitHub's anchor of a markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())  # backticks, dots, colons go
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {slug(match.group(1)) for match in re.finditer(r"^#+\s+(.*)$", text, flags=re.M)}


def link_problem(link: str, file: str) -> str | None:
    if re.match(r"[a-z]+:", link):
        return None  # a web address
    target, _, anchor = link.partition("#")
    path = (ROOT / file).parent / target if target else ROOT / file
    if not path.exists():
        return "links to a missing file"
    if anchor and path.suffix == ".md" and anchor not in anchors(path):
        return f"no heading with anchor #{anchor} in {path.relative_to(ROOT)}"
    return None


# ---- figures and claims


def figure_names() -> set[str]:
    from finite_ntk.papers import FIGURES_BY_NAME  # plain data: no JAX

    return set(FIGURES_BY_NAME)


@lru_cache(maxsize=None)
def claim_keys(imported: bool = False) -> frozenset[str]:
    """Every row key of the papers' claims modules: the key-shaped strings of their sources,
    or (``imported``) the keys of their imported ``CLAIMS`` (which imports JAX)."""
    from finite_ntk.papers import PAPERS

    if imported:
        return frozenset(claim.key for paper in PAPERS.values() for claim in paper.claims_module().CLAIMS)
    keys = set()
    for paper in PAPERS.values():
        path = module_file(paper.claims)
        if path is not None:
            keys |= {
                node.value
                for node in ast.walk(module_tree(path))
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"seed\d{3}\.\d+\.\S+", node.value)
            }
    return frozenset(keys)


def claim_exists(text: str) -> bool:
    """A claim id names a row (``seed000.1.relu.max``) or the start of rows (``seed000.1``)."""
    return any(
        any(key == text or key.startswith(text + ".") for key in claim_keys(imported)) for imported in (False, True)
    )


def problem(mention: Mention) -> str | None:
    if TOY_PAPER in mention.text:
        return None
    if mention.kind == "figure":
        return None if mention.text in figure_names() else "no such figure in finite_ntk.papers.FIGURES"
    if mention.kind == "rule":
        return None if mention.text[len("plot_") :] in figure_names() else "no plotting rule of that name"
    if mention.kind == "claim":
        return None if claim_exists(mention.text) else "no such claim in the papers' CLAIMS"
    if mention.kind == "claim number":
        return "cite a claim by its id (seed001.3); docs/replication.md#claim-ids maps the old numbers"
    if mention.kind == "name":
        return None if name_resolves(mention.text) else "no such module or attribute"
    if mention.kind == "relative":
        resolves = any(name_resolves(name) for name in mention.text.split(" or "))
        return None if resolves else "no such module or attribute"
    if mention.kind == "short":
        return None if short_name_resolves(mention.text) else "neither finite_ntk.<name> nor a config key"
    if mention.kind == "path":
        return path_problem(mention.text)
    return link_problem(mention.text, mention.file)


def problems(found: list[Mention]) -> list[str]:
    return [
        f"{mention.file}:{mention.line}: {mention.kind} {mention.text!r}: {reason}"
        for mention in found
        if (reason := problem(mention)) is not None
    ]


# ---- the tests

DOC_FILES = doc_files()


def test_the_documentation_is_read():
    names = {str(path.relative_to(ROOT)) for path in DOC_FILES}
    for required in (
        "README.md",
        "docs/extending.md",
        "docs/replication.md",
        "config/README.md",
        "config/config.yaml",
        "workflow/rules/common.smk",
        "src/finite_ntk/__init__.py",
    ):
        assert required in names, required


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_name_and_path_mentioned_exists(path: Path):
    stale = problems(file_mentions(path))
    assert not stale, "stale mentions:\n" + "\n".join(stale)


FAKE_TEXT = """\
The samplers live in `finite_ntk.monte_carlo.dense` and the claims in
finite_ntk.report.macros.REPORT_QUOTES; the registry is finite_ntk.papers.PAPERS and the
correlation finite_ntk.stats.spearman, a plot `finite_ntk.papers.seed001.plots:plot_phase_maps`.
Old rules: workflow/rules/training.smk; new: workflow/rules/seed001.smk, `config/*.yaml`.
Short names: `plan.config_subset`, `samplers.dispatch.SAMPLERS`, `training.fnn.figures`,
a placeholder finite_ntk.papers.<id>.claims and data/<run>/ntk_stats_fnn.nc, figures/paper/x.pdf.
Links: [here](docs/replication.md#no-such-heading), [ids](docs/replication.md#claim-ids),
[there](docs/extending.md).
Figures seed000fig1a (rule plot_seed000fig1a), seed001fig99 and plot_fig8; claims 13-20 are
seed001.1 to seed001.8, seed001.99 does not exist, seed002.4.aggregate does; the toy seed999fig1.
"""


def test_the_resolver_catches_stale_names_and_paths():
    found = mentions(FAKE_TEXT, "README.md", markdown=True)
    stale = {(mention.kind, mention.text) for mention in found if problem(mention)}
    assert stale == {
        ("name", "finite_ntk.monte_carlo.dense"),
        ("name", "finite_ntk.report.macros.REPORT_QUOTES"),
        ("path", "workflow/rules/training.smk"),
        ("short", "plan.config_subset"),
        ("link", "docs/replication.md#no-such-heading"),
        ("figure", "seed001fig99"),
        ("rule", "plot_fig8"),
        ("claim number", "claims 13"),
        ("claim", "seed001.99"),
    }
    resolved = {(mention.kind, mention.text) for mention in found} - stale
    assert {
        ("name", "finite_ntk.papers.PAPERS"),
        ("name", "finite_ntk.stats.spearman"),
        ("name", "finite_ntk.papers.seed001.plots:plot_phase_maps"),
        ("path", "workflow/rules/seed001.smk"),
        ("path", "config/*.yaml"),
        ("short", "samplers.dispatch.SAMPLERS"),
        ("short", "training.fnn.figures"),
        ("link", "docs/extending.md"),
        ("link", "docs/replication.md#claim-ids"),
        ("figure", "seed000fig1a"),
        ("rule", "plot_seed000fig1a"),
        ("claim", "seed001.1"),
        ("claim", "seed002.4.aggregate"),
        ("figure", "seed999fig1"),
    } <= resolved
    assert not any("<" in mention.text for mention in found if mention.kind == "name")


def test_the_resolver_reads_attributes_of_classes_and_re_exports():
    assert name_resolves("finite_ntk.papers.Paper.figures_module")  # a method
    assert name_resolves("finite_ntk.papers.Figure")  # imported into the module
    assert name_resolves("finite_ntk.models.spec.NetworkSpec.depth")  # a dataclass field
    assert not name_resolves("finite_ntk.papers.Paper.no_such_field")
    assert not name_resolves("finite_ntk.no_such_module")
