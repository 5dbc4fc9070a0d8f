"""The report PDF: latexmk (pdflatex) on report/src with the generated files, reproducibly.

:func:`build_report_pdf` compiles in a scratch directory with a fixed SOURCE_DATE_EPOCH, so
the same inputs give the same PDF bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from finite_ntk.papers import FIGURES

# The figure files report.tex includes (figures/<run>/<stem>.pdf): every registered figure.
REPORT_FIGURES: tuple[str, ...] = tuple(figure.name for figure in FIGURES)
# The generated files report.tex reads from generated/ (name -> required?).
GENERATED_FILES: dict[str, bool] = {
    "macros": True, "claims": True, "rules": True, "provenance": True, "table2": True, "table3": True,
    "figure_index": True, "claims_precise": False, "seed002": False,
    "seed001": False,
}
DEFAULT_SOURCE_DATE_EPOCH = 0


class ReportBuildError(RuntimeError):
    """latexmk failed; the message ends with the tail of the LaTeX log."""


def source_date_epoch(repository: Path | None = None) -> int:
    """SOURCE_DATE_EPOCH for the build: the environment's, else the commit time of HEAD,
    else 0. The PDF carries no date either way (\\pdfinfoomitdate), but pdfTeX and
    packages that read the time then see a fixed one."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        text = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=repository or Path(__file__).resolve().parents[2],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return int(text)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return DEFAULT_SOURCE_DATE_EPOCH


def build_report_pdf(
    source: str | os.PathLike,
    generated: Mapping[str, str | os.PathLike],
    figures: Iterable[str | os.PathLike],
    output: str | os.PathLike,
    precise_figures: Iterable[str | os.PathLike] = (),
    log: str | os.PathLike | None = None,
    epoch: int | None = None,
    main: str = "report.tex",
) -> list[str]:
    """Compile ``source/main`` with latexmk (pdflatex) in a scratch directory and copy the
    PDF to ``output``.

    The scratch directory gets the LaTeX sources, ``generated/<name>.tex`` for each entry
    of ``generated``, ``figures/`` with the given figure files (by file name) and
    ``precise/`` with the precise run's figures. The build is reproducible: fixed
    SOURCE_DATE_EPOCH, no date or trailer ID in the PDF (set in report.tex), no user
    latexmk rc files, and a scratch path that never reaches the PDF. Returns the figure stems
    of :data:`REPORT_FIGURES` that were missing (the PDF shows a box in their place)."""
    source, output = Path(source), Path(output)
    missing_generated = [name for name, required in GENERATED_FILES.items() if required and name not in generated]
    if missing_generated:
        raise ValueError(f"generated files missing: {', '.join(missing_generated)}")
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        raise ReportBuildError("latexmk not found on PATH (apt-get install latexmk texlive-latex-recommended)")
    with tempfile.TemporaryDirectory(prefix="finite-ntk-report-") as scratch:
        scratch = Path(scratch)
        build = scratch / "build"
        shutil.copytree(source, build)
        (build / "generated").mkdir(exist_ok=True)
        for name, path in generated.items():
            shutil.copyfile(path, build / "generated" / f"{name}.tex")
        for folder, files in (("figures", figures), ("precise", precise_figures)):
            (build / folder).mkdir(exist_ok=True)
            for path in files:
                shutil.copyfile(path, build / folder / Path(path).name)
        present = {p.stem for p in (build / "figures").glob("*.pdf")}
        missing = [stem for stem in REPORT_FIGURES if stem not in present]
        env = dict(os.environ)
        env.update(
            SOURCE_DATE_EPOCH=str(source_date_epoch() if epoch is None else epoch),
            FORCE_SOURCE_DATE="1",
            TZ="UTC",
            LC_ALL="C",
        )
        command = [latexmk, "-norc", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", main]
        result = subprocess.run(command, cwd=build, env=env, capture_output=True, text=True)
        tex_log = build / Path(main).with_suffix(".log")
        log_text = tex_log.read_text(errors="replace") if tex_log.exists() else ""
        if log is not None:
            Path(log).parent.mkdir(parents=True, exist_ok=True)
            with open(log, "a") as f:
                f.write(f"$ {' '.join(command)}  (in a scratch directory)\n{result.stdout}\n{result.stderr}\n")
                f.write(log_text)
                if missing:
                    f.write(f"\nmissing figure files (shown as boxes): {', '.join(missing)}\n")
        pdf = build / Path(main).with_suffix(".pdf")
        if result.returncode != 0 or not pdf.exists():
            tail = "\n".join(log_text.splitlines()[-40:])
            raise ReportBuildError(f"latexmk failed with exit status {result.returncode}:\n{tail}")
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(f".{output.name}.tmp")
        shutil.copyfile(pdf, tmp)
        os.replace(tmp, output)
    return missing

__all__ = ["REPORT_FIGURES", "GENERATED_FILES", "ReportBuildError", "source_date_epoch", "build_report_pdf"]
