"""The claims engine (:mod:`.core`): claims, their rules of decision and the claims table.

Each paper's module ``finite_ntk.papers.<id>.claims`` exports

- ``CLAIMS``: a tuple of :class:`Claim`, keys ``"<paper>.<number>.<part>"`` with the
  numbers of the paper's list of claims in docs/replication.md;
- ``THRESHOLDS``: ``{name: Threshold}``, the paper's own thresholds (``RULES``: their values);
- ``ClaimInputs``: a NamedTuple of what its checks read, every field optional (an empty one
  makes every row n/a);
- ``load_claim_inputs(files, config)``: its ``ClaimInputs`` from ``{key: [netCDF paths]}``
  (the workflow's claims rule names these inputs ``<paper>__<key>``) and the config.

``evaluate(module.CLAIMS, module.load_claim_inputs(files, config))`` gives the paper's rows.
This package imports no paper; whoever writes the table iterates
:data:`finite_ntk.papers.PAPERS` and concatenates the papers' rows in registry order.
"""

from finite_ntk.claims.core import (
    AGREES,
    CSV_FIELDS,
    DIFFERS,
    NAN,
    NOT_AVAILABLE,
    NOT_ESTIMABLE,
    VERDICTS,
    Check,
    Claim,
    ClaimResult,
    Control,
    Outcome,
    Threshold,
    bootstrap_configs,
    claim_rng,
    claims_dataset,
    claims_digest_latex,
    claims_latex,
    draws_interval,
    evaluate,
    read_claims_csv,
    rules_latex,
    stated_number,
    threshold_values,
    verdict_counts,
    verdict_of,
    within_interval,
    write_claims_csv,
)

__all__ = [
    "AGREES",
    "CSV_FIELDS",
    "DIFFERS",
    "NAN",
    "NOT_AVAILABLE",
    "NOT_ESTIMABLE",
    "VERDICTS",
    "Check",
    "Claim",
    "ClaimResult",
    "Control",
    "Outcome",
    "Threshold",
    "bootstrap_configs",
    "claim_rng",
    "claims_dataset",
    "claims_digest_latex",
    "claims_latex",
    "draws_interval",
    "evaluate",
    "read_claims_csv",
    "rules_latex",
    "stated_number",
    "threshold_values",
    "verdict_counts",
    "verdict_of",
    "within_interval",
    "write_claims_csv",
]
