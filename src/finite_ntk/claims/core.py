"""The claims engine: a claim's record, its rules of decision and the claims table's formats.

A paper's claims module (``finite_ntk.papers.<id>.claims``) holds its registry ``CLAIMS``
(a tuple of :class:`Claim`), its ``THRESHOLDS`` and its inputs; :func:`evaluate` checks
a registry on the paper's inputs, one :class:`ClaimResult` per claim in registry order.
This module knows no paper: its callers (the workflow's claims-table script) iterate
:data:`finite_ntk.papers.PAPERS` and concatenate the papers' results.

Every check returns an :class:`Outcome` (what was measured, our value with an interval where
one exists, the verdict ``agrees``, ``differs`` or ``n/a`` and a note); ``n/a`` means the
data needed are not in this run. Rules:

- a *stated number* :math:`s` agrees when it lies in our 95% interval :math:`[lo, hi]`
  widened by half a unit :math:`u` of its last printed digit ("83.99": :math:`u = 0.005`),
  :math:`lo - u \\le s \\le hi + u` (:func:`within_interval`), so that the report's rounding
  is not held against it;
- a *qualitative* claim is turned into a measured quantity and a :class:`Threshold` of its
  paper's ``THRESHOLDS`` (ours, not the paper's; printed beside the table by
  :func:`rules_latex`).

Intervals of derived trend measures come from a bootstrap seeded from the run's root seed
and the claim's :attr:`Claim.stream` (:func:`claim_rng`, :func:`bootstrap_configs`), so the
table is deterministic.
"""

from __future__ import annotations

import csv
import math
import re
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, Mapping, NamedTuple, Sequence, TypeVar

import numpy as np
import xarray as xr

from finite_ntk.report.latex import latex_escape, latex_number, latex_plain

AGREES = "agrees"
DIFFERS = "differs"
NOT_AVAILABLE = "n/a"
# The data are in the run, but no estimator whose coverage was measured can decide at the run's
# sample size (a heavy-tailed second moment: finite_ntk.coverage.select_ratio_estimate).
NOT_ESTIMABLE = "not estimable"
VERDICTS = (AGREES, DIFFERS, NOT_ESTIMABLE, NOT_AVAILABLE)
NAN = float("nan")

# A claim's key: "<paper>.<number>.<part>", e.g. "seed000.1.relu.start".
KEY_PATTERN = re.compile(r"(?P<paper>[A-Za-z][A-Za-z0-9_]*)\.(?P<number>\d+)\.(?P<part>\S+)")


# --------------------------------------------------------------------------- records


class Threshold(NamedTuple):
    """A threshold that turns a paper's qualitative words into a rule."""

    value: float
    words: str  # LaTeX: what is bounded, printed before the value in rules.tex


class Outcome(NamedTuple):
    """What one check found."""

    measure: str  # what `value` is
    value: float = NAN
    lo: float = NAN
    hi: float = NAN
    verdict: str = NOT_AVAILABLE
    note: str = ""


InputsT = TypeVar("InputsT")
Check = Callable[["Claim[Any]", Any], Outcome]  # (claim, the paper's inputs) -> outcome


@dataclass(frozen=True)
class Claim(Generic[InputsT]):
    """One checked statement of a paper: a row of the claims table. ``check`` reads the
    paper's own inputs (its ``ClaimInputs``)."""

    key: str  # unique row id, "<paper>.<number>.<part>"
    subject: str  # what is measured, in our words
    quote: str  # the paper's wording
    source: str  # where the paper says it
    stated: str | None  # the number the paper states, exactly as printed
    rule: str  # what decides the verdict, in words
    check: Callable[[Claim[InputsT], InputsT], Outcome]  # measures and decides
    # Identity of the claim's bootstrap stream (default: the key). Set when a key is renamed,
    # so that the rename leaves the bootstrap draws, hence the intervals, as they were.
    bootstrap_id: str | None = None

    def __post_init__(self) -> None:
        if not KEY_PATTERN.fullmatch(self.key):
            raise ValueError(f"claim key {self.key!r} is not '<paper>.<number>.<part>'")

    @property
    def paper(self) -> str:
        """The paper's id, the key's first field (``"seed000"``)."""
        return self.key.split(".", 1)[0]

    @property
    def number(self) -> int:
        """The claim's number within its paper, the key's middle field: the numbered list of
        the paper's claims in docs/replication.md."""
        return int(self.key.split(".", 2)[1])

    @property
    def part(self) -> str:
        """The row's part of its claim, the key's last field (``"relu.start"``)."""
        return self.key.split(".", 2)[2]

    @property
    def stream(self) -> str:
        """What seeds this claim's bootstrap beside the root seed (:func:`claim_rng`)."""
        return self.bootstrap_id if self.bootstrap_id is not None else self.key

    def evaluate(self, inputs: InputsT) -> ClaimResult:
        return ClaimResult(
            key=self.key,
            paper=self.paper,
            number=self.number,
            subject=self.subject,
            quote=self.quote,
            source=self.source,
            stated=self.stated,
            rule=self.rule,
            **self.check(self, inputs)._asdict(),
        )


class Control(NamedTuple):
    """Known data for one claim, so that its verdict can be seen to work both ways: each
    builder returns the paper's claim inputs, ``positive`` built so that the paper's
    statement holds (the verdict must be ``agrees``), ``negative`` so that it is false
    (``differs``). A verdict that cannot say *differs* on data where the statement is false
    tests nothing. ``vacuous``: where the claim is known not to fail yet, the issue that
    fixes it (its negative control is then an expected failure). ``not_estimable``: for a
    claim read through an estimator that can fail to converge (a heavy-tailed second moment),
    data on which no trusted estimate exists at the run's sample size (the verdict must be
    ``not estimable``)."""

    positive: Callable[[], Any]
    negative: Callable[[], Any]
    vacuous: str = ""
    not_estimable: Callable[[], Any] | None = None


@dataclass
class ClaimResult:
    """A claim with our regenerated value and the verdict: one row of claims.csv."""

    key: str
    paper: str
    number: int
    subject: str
    quote: str
    source: str
    stated: str | None
    measure: str
    value: float = NAN
    lo: float = NAN
    hi: float = NAN
    rule: str = ""
    verdict: str = NOT_AVAILABLE
    note: str = ""

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


def evaluate(claims: Iterable[Claim[InputsT]], inputs: InputsT) -> list[ClaimResult]:
    """Every claim of a paper's registry checked on the paper's inputs, in registry order."""
    return [claim.evaluate(inputs) for claim in claims]


def verdict_counts(results: Iterable[ClaimResult]) -> dict[str, int]:
    """How many rows have each verdict (every verdict of :data:`VERDICTS` present)."""
    counts = {v: 0 for v in VERDICTS}
    for r in results:
        counts[r.verdict] += 1
    return counts


# --------------------------------------------------------------------------- rules


def stated_number(text: str) -> tuple[float, float]:
    """The value of a quoted number and half a unit of its last printed digit:
    ``"83.99" -> (83.99, 0.005)``, ``"100.0" -> (100.0, 0.05)``, ``"5" -> (5.0, 0.5)``."""
    match = re.fullmatch(r"\s*([-+]?\d+)(?:\.(\d+))?\s*", text)
    if not match:
        raise ValueError(f"stated value {text!r} is not a plain decimal number")
    decimals = len(match.group(2) or "")
    return float(text), 0.5 * 10.0 ** (-decimals)


def within_interval(stated: str, lo: float, hi: float) -> bool:
    """True when the stated number :math:`s` (half unit :math:`u`) has
    :math:`lo - u \\le s \\le hi + u`."""
    value, half_unit = stated_number(stated)
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo - half_unit <= value <= hi + half_unit)


def verdict_of(ok: bool) -> str:
    """``agrees`` when ``ok``, else ``differs``."""
    return AGREES if ok else DIFFERS


# --------------------------------------------------------------------------- bootstrap


def claim_rng(seed: int, stream: str) -> np.random.Generator:
    """The generator of one claim's bootstrap: the root seed (mod :math:`2^{32}`) and the
    CRC-32 of the claim's stream (:attr:`Claim.stream`)."""
    return np.random.default_rng([int(seed) % 2**32, zlib.crc32(stream.encode("utf-8"))])


def draws_interval(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    """Equal-tailed percentile interval of bootstrap draws, NaN draws left out (NaN bounds
    when every draw is NaN)."""
    draws = np.asarray(draws, dtype=np.float64)
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        return NAN, NAN
    tail = 100 * (1 - confidence) / 2
    lo, hi = np.percentile(draws, [tail, 100 - tail])
    return float(lo), float(hi)


def bootstrap_configs(
    statistic: Callable[[np.ndarray], float], n: int, stats: xr.Dataset, stream: str
) -> tuple[float, float]:
    """Percentile interval of ``statistic(index)`` over the ``n`` configurations resampled
    with replacement; seed (``root_seed``), resample count (``bootstrap_resamples``) and
    confidence (``confidence``) from the dataset's attributes, the stream from the claim."""
    rng = claim_rng(int(stats.attrs["root_seed"]), stream)
    resamples = int(stats.attrs["bootstrap_resamples"])
    draws = np.array([statistic(rng.integers(0, n, size=n)) for _ in range(resamples)])
    return draws_interval(draws, float(stats.attrs["confidence"]))


# --------------------------------------------------------------------------- output


def _interval_text(r: ClaimResult) -> str:
    if math.isnan(r.lo) and math.isnan(r.hi):
        return ""
    return f" [{latex_number(r.lo)}, {latex_number(r.hi)}]"


def claims_latex(
    results: Sequence[ClaimResult],
    caption: str = "Quantitative claims of the report against the regenerated data.",
    label: str = "tab:claims",
) -> str:
    """The claims table as a LaTeX ``longtable`` (booktabs, array); a rule between claims.
    The first column is the key: the paper, the claim's number (bold) and the row's part."""
    verdict_macro = {
        AGREES: r"\verdictagrees",
        DIFFERS: r"\verdictdiffers",
        NOT_ESTIMABLE: r"\verdictnotestimable",
        NOT_AVAILABLE: r"\verdictna",
    }
    header = r"Claim & What is measured; the report's words & Stated & Regenerated [95\% interval]; rule & Verdict \\"
    lines = [
        "% Generated by finite_ntk.claims from the reduced data; do not edit.",
        r"\providecommand{\verdictagrees}{agrees}\providecommand{\verdictdiffers}{\textbf{differs}}"
        r"\providecommand{\verdictna}{n/a}\providecommand{\verdictnotestimable}{not estimable}",
        r"\begin{footnotesize}",
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.07\linewidth}"
        r">{\raggedright\arraybackslash}p{0.28\linewidth}"
        r">{\raggedright\arraybackslash}p{0.06\linewidth}>{\raggedright\arraybackslash}p{0.34\linewidth}"
        r">{\raggedright\arraybackslash}p{0.15\linewidth}@{}}",
        rf"\caption{{{caption}}}\label{{{label}}}\\",
        r"\toprule",
        header,
        r"\midrule\endfirsthead",
        r"\toprule",
        header,
        r"\midrule\endhead",
        r"\bottomrule\endlastfoot",
    ]
    previous = None
    for r in results:
        if previous is not None and (r.paper, r.number) != previous:
            lines.append(r"\midrule")
        previous = (r.paper, r.number)
        stated = latex_escape(r.stated) if r.stated is not None else "--"
        what = f"{latex_escape(r.subject)}. \\emph{{``{latex_escape(r.quote)}''}} ({latex_escape(r.source)})"
        regenerated = (
            f"{latex_number(r.value)}{_interval_text(r)}: {latex_escape(r.measure)}. "
            f"\\emph{{Rule:}} {latex_escape(r.rule)}."
        )
        verdict = verdict_macro[r.verdict] + (f" \\newline {{\\scriptsize {latex_escape(r.note)}}}" if r.note else "")
        part = latex_escape(r.key.split(".", 2)[2]).replace(".", ".\\allowbreak ")
        key = f"{{\\scriptsize {latex_escape(r.paper)}}}\\newline\\textbf{{{r.number}}}\\newline{{\\scriptsize {part}}}"
        lines.append(f"{key} & {what} & {stated} & {regenerated} & {verdict} \\\\")
    lines += [r"\end{longtable}", r"\end{footnotesize}", ""]
    return "\n".join(lines)


def claims_digest_latex(results: Sequence[ClaimResult]) -> str:
    """Each claim in three sentences, for a paper's chapter: what the paper says (its words
    and where), what the data say (the measure, its value and interval, and the check's note),
    and why the verdict is what it is (the rule). A LaTeX ``description`` list, one item per
    row of the claims table."""
    verdict_words = {
        AGREES: "agrees",
        DIFFERS: r"\textbf{differs}",
        NOT_ESTIMABLE: "not estimable",
        NOT_AVAILABLE: "n/a",
    }
    lines = ["% Generated by finite_ntk.claims from the reduced data; do not edit.", r"\begin{description}\small"]
    for r in results:
        value = "no value" if math.isnan(r.value) else f"{latex_number(r.value)}{_interval_text(r)}"
        data = f"{latex_escape(r.measure)}: {value}" + (f" ({latex_escape(r.note)})" if r.note else "")
        lines.append(
            rf"\item[{latex_escape(r.key)}] \emph{{The paper:}} ``{latex_escape(r.quote)}'' ({latex_escape(r.source)}). "
            rf"\emph{{The data:}} {data}. "
            rf"\emph{{Verdict:}} {verdict_words[r.verdict]}, by the rule: {latex_escape(r.rule)}."
        )
    lines += [r"\end{description}", ""]
    return "\n".join(lines)


def rules_latex(thresholds: Mapping[str, Mapping[str, Threshold]]) -> str:
    """The thresholds of every paper (``{paper id: its THRESHOLDS}``, in report order) as a
    LaTeX itemize: each one's words and value. A threshold that several papers hold alike
    (same name, value and words) is printed once; the same name with another value or other
    words is an error, since the table would not say which one a rule means."""
    seen: dict[str, tuple[str, Threshold]] = {}
    for paper, held in thresholds.items():
        for name, threshold in held.items():
            if name in seen and seen[name][1] != threshold:
                raise ValueError(f"threshold {name!r}: {paper} and {seen[name][0]} hold different values or words")
            seen.setdefault(name, (paper, threshold))
    items = "\n".join(f"  \\item {t.words} {latex_plain(t.value)}" for _, t in seen.values())
    head = "% Generated by finite_ntk.claims; do not edit.\n\\begin{itemize}\\setlength\\itemsep{0pt}\n"
    return head + items + "\n\\end{itemize}\n"


def threshold_values(thresholds: Mapping[str, Mapping[str, Threshold]]) -> dict[str, float]:
    """``{"<paper>.<name>": value}`` of every paper's thresholds (``{paper id: THRESHOLDS}``)."""
    return {f"{paper}.{name}": t.value for paper, held in thresholds.items() for name, t in held.items()}


CSV_FIELDS = (
    "key",
    "paper",
    "number",
    "subject",
    "quote",
    "source",
    "stated",
    "measure",
    "value",
    "lo",
    "hi",
    "rule",
    "verdict",
    "note",
)


def write_claims_csv(results: Sequence[ClaimResult], path: str | Path) -> None:
    """The claims table as CSV (:data:`CSV_FIELDS`; empty cells for NaN and no stated value)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in results:
            row = r.as_row()
            row["stated"] = "" if r.stated is None else r.stated
            for name in ("value", "lo", "hi"):
                row[name] = "" if math.isnan(row[name]) else repr(float(row[name]))
            writer.writerow(row)


def read_claims_csv(path: str | Path) -> list[ClaimResult]:
    """The rows of a claims CSV written by :func:`write_claims_csv`."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        values = {name: float(row[name]) if row[name] else NAN for name in ("value", "lo", "hi")}
        out.append(
            ClaimResult(
                key=row["key"],
                paper=row["paper"],
                number=int(row["number"]),
                subject=row["subject"],
                quote=row["quote"],
                source=row["source"],
                stated=row["stated"] or None,
                measure=row["measure"],
                rule=row["rule"],
                verdict=row["verdict"],
                note=row["note"],
                **values,
            )
        )
    return out


def claims_dataset(
    results: Sequence[ClaimResult], attrs: Mapping[str, Any] | None = None, rules: Mapping[str, float] | None = None
) -> xr.Dataset:
    """The claims table as an xarray Dataset over dimension ``claim`` (the row keys); the
    thresholds' values (:func:`threshold_values`) in the attribute ``rules``."""
    keys = [r.key for r in results]
    data = {
        "number": ("claim", np.array([r.number for r in results], dtype=np.int32)),
        "value": ("claim", np.array([r.value for r in results], dtype=np.float64)),
        "lo": ("claim", np.array([r.lo for r in results], dtype=np.float64)),
        "hi": ("claim", np.array([r.hi for r in results], dtype=np.float64)),
    }
    for name in ("paper", "subject", "quote", "source", "measure", "rule", "verdict", "note"):
        data[name] = ("claim", np.array([getattr(r, name) for r in results], dtype=object))
    data["stated"] = ("claim", np.array(["" if r.stated is None else r.stated for r in results], dtype=object))
    attrs = dict(attrs or {}, rules=repr(dict(rules or {})))
    return xr.Dataset(data, coords={"claim": np.array(keys, dtype=object)}, attrs=attrs)


__all__ = [
    "AGREES",
    "DIFFERS",
    "NOT_AVAILABLE",
    "NOT_ESTIMABLE",
    "VERDICTS",
    "NAN",
    "KEY_PATTERN",
    "CSV_FIELDS",
    "Check",
    "Claim",
    "ClaimResult",
    "Outcome",
    "Threshold",
    "evaluate",
    "verdict_counts",
    "stated_number",
    "within_interval",
    "verdict_of",
    "claim_rng",
    "draws_interval",
    "bootstrap_configs",
    "claims_digest_latex",
    "claims_latex",
    "rules_latex",
    "threshold_values",
    "write_claims_csv",
    "read_claims_csv",
    "claims_dataset",
]
