"""LaTeX text for the generated report files: escaping, numbers and ``\\newcommand`` macros.

Pure string functions, no I/O; every other module of ``report/`` writes its LaTeX with them.
"""

from __future__ import annotations

import math
import re
from typing import Any

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    """Escape LaTeX specials; Unicode symbols (β, ≤, ², ...) are left for the report's
    preamble, which declares them."""
    return "".join(_SPECIALS.get(ch, ch) for ch in text)


def latex_number(x: float, digits: int = 3) -> str:
    """A measured number for LaTeX text: ``digits`` significant digits; for
    :math:`x = m \\cdot 10^e` with :math:`e \\notin [-3, 4)`, ``m\\times10^{e}`` in math mode;
    NaN as n/a, :math:`\\pm\\infty` in math mode."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return r"$-\infty$" if x < 0 else r"$\infty$"
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    if -3 <= exponent < 4:
        decimals = max(digits - 1 - exponent, 0)
        text = f"{x:.{decimals}f}"
        return f"${text}$" if text.startswith("-") else text
    mantissa = x / 10**exponent
    if round(abs(mantissa), digits - 1) >= 10:
        mantissa /= 10
        exponent += 1
    return f"${mantissa:.{digits - 1}f}\\times10^{{{exponent}}}$"


def latex_plain(x: float, digits: int = 6) -> str:
    """A configured value (not a measurement) for LaTeX, in its shortest form with at most
    ``digits`` significant digits (``%g``): ``0.001``, ``0.5``, ``1.4142``, ``$2\\times10^{-5}$``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        exponent = str(int(exponent))
        return f"$10^{{{exponent}}}$" if mantissa == "1" else f"${mantissa}\\times10^{{{exponent}}}$"
    return f"${text}$" if text.startswith("-") else text


def macro(name: str, value: Any) -> str:
    """``\\newcommand{\\name}{value}``; the name must be letters only (TeX macro names)."""
    if not re.fullmatch(r"[A-Za-z]+", name):
        raise ValueError(f"macro name {name!r}: letters only")
    return f"\\newcommand{{\\{name}}}{{{value}}}"


__all__ = ["latex_escape", "latex_number", "latex_plain", "macro"]
