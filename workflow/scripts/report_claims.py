"""Claims table: report/<run>/claims.{tex,csv,nc}, rules.tex, claims_precise.tex and each
paper's claims in sentences (claims_digest_<paper>.tex, for its chapter).

Each paper of finite_ntk.papers.PAPERS reads its own inputs: the rule names them
``<paper id>__<key>`` and the paper's claims module's ``load_claim_inputs`` gets
``{key: files}`` (a paper with no inputs gets ``{}``, its rows say n/a). The rows are
concatenated in registry order.
"""

import logging
from pathlib import Path

from finite_ntk.claims import (
    claims_dataset,
    claims_digest_latex,
    claims_latex,
    evaluate,
    rules_latex,
    threshold_values,
    write_claims_csv,
)
from finite_ntk.io import provenance_attributes, write_netcdf_atomic
from finite_ntk.papers import PAPERS
from finite_ntk.papers.seed000.claims import precise_results

inputs, outputs, config = snakemake.input, snakemake.output, snakemake.config  # noqa: F821
log = open(snakemake.log[0], "w")  # noqa: F821
logging.basicConfig(stream=log, level=logging.INFO, format="%(message)s")


def paper_files(paper_id):
    """``{key: [paths]}`` of the rule's inputs named ``<paper_id>__<key>``."""
    prefix = f"{paper_id}__"
    files = {}
    for name, value in inputs.items():
        if name.startswith(prefix):
            files[name[len(prefix) :]] = [str(value)] if isinstance(value, str) else [str(path) for path in value]
    return files


results, thresholds = [], {}
for paper in PAPERS.values():
    module = paper.claims_module()
    results += evaluate(module.CLAIMS, module.load_claim_inputs(paper_files(paper.id), config))
    thresholds[paper.id] = module.THRESHOLDS
for r in results:
    print(f"{r.key:26s} {r.verdict:8s} value={r.value!r} [{r.lo!r}, {r.hi!r}] {r.note}", file=log)

Path(outputs.tex).write_text(claims_latex(results))
for paper in PAPERS.values():
    Path(outputs[f"claims_digest_{paper.id}"]).write_text(
        claims_digest_latex([r for r in results if r.paper == paper.id])
    )
Path(outputs.rules).write_text(rules_latex(thresholds))
write_claims_csv(results, outputs.csv)
attrs = {"run": config["run"], **provenance_attributes()}
write_netcdf_atomic(claims_dataset(results, rules=threshold_values(thresholds)), outputs.nc, attrs=attrs)

# Seed 000's Monte-Carlo claims on the precise run, when its statistics are inputs.
precise = precise_results(paper_files("seed000"), config)
if precise:
    text = claims_latex(precise, caption="Claims seed000.1--6 on the precise run.", label="tab:claims-precise")
else:
    text = "% No precise run: nothing to show.\n"
Path(outputs.precise_tex).write_text(text)
