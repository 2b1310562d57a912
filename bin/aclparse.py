#!/usr/bin/env python
"""aclparse: add the Cisco ACL log fields (docs/DESIGN.md section 2) to the events that carry them.

    ... | aclparse [field=_raw]

Streaming and distributable (SCP v2, commands.conf ``chunked = true``); the record path is
``acltrace_splunk.commands.aclparse``, the protocol ``acltrace_splunk.protocol``.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace_splunk.commands.aclparse import AclParse  # noqa: E402
from acltrace_splunk.protocol import Option, fieldname, run  # noqa: E402

OPTIONS = (
    Option("field", default="_raw", validate=fieldname,
           doc="**Syntax:** **field=***<fieldname>*  **Description:** The field that holds the log message. "
               "Default: _raw."),
)

if __name__ == "__main__":
    run(AclParse, OPTIONS)
