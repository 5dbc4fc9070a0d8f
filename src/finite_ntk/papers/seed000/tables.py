"""LaTeX tables generated from the config (Tables 2 and 3 of the report)."""

from __future__ import annotations

from typing import Sequence

TABLE_CAPTIONS = {
    "table2": r"Network configurations for Group 1 with fixed $n_{hid}$, varying $d$, and $\beta = d / n_{hid}$.",
    "table3": r"Network configurations for Group 2 with varying $n_{hid}$, fixed $d$, and $\beta = d / n_{hid}$.",
}


def configuration_table(name: str, pairs: Sequence[Sequence[int]], caption: str | None = None) -> str:
    """A longtable-free LaTeX table (width, depth, beta to four decimals), in config order."""
    caption = caption or TABLE_CAPTIONS.get(name, name)
    rows = "\n".join(f"{w} & {d} & {d / w:.4f} \\\\" for w, d in pairs)
    return (
        "% Generated from the config by finite_ntk.tables; do not edit.\n"
        "\\begin{table}[htbp]\n\\centering\\small\n"
        f"\\caption{{{caption}}}\n\\label{{tab:{name}}}\n"
        "\\begin{tabular}{rrr}\n\\toprule\nWidth & Depth & $\\beta$ \\\\\n\\midrule\n"
        f"{rows}\n\\bottomrule\n\\end{{tabular}}\n\\end{{table}}\n"
    )
