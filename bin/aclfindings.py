#!/usr/bin/env python
"""aclfindings: findings (incidents with labels and reasons) from the summary rows Splunk's stats counted.

    `acltrace_summary_index` source="acltrace - Summary rows" | aclfindings [timeout=<seconds>]

A reporting SCP v2 command (docs/DESIGN.md section 3); the record path is
``acltrace_splunk.commands.aclfindings``, the core ``acltrace.triage.findings``.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace.triage.incidents import INCIDENT_COLUMNS  # noqa: E402
from acltrace_splunk.commands.aclfindings import AclFindings  # noqa: E402
from acltrace_splunk.protocol import Option, run  # noqa: E402

COLUMNS = ("_time",) + INCIDENT_COLUMNS + ("bs_reason", "finding_id")    # _time is first_seen

OPTIONS = (
    Option("timeout", default="300",
           doc="**Syntax:** **timeout=***<seconds>*  **Description:** Seconds of quiet after which a "
               "finding ends; more than 0, at most 86400. Default: 300."),
)

if __name__ == "__main__":
    run(AclFindings, OPTIONS, columns=COLUMNS)
