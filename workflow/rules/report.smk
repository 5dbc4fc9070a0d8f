# LaTeX report, claims table and figure diff (issue 5). Defines REPORT_TARGETS.
REPORT_TARGETS = []
