#!/usr/bin/env python
"""REST handler of the acltrace_snmp inputs: /servicesNS/nobody/acltrace/acltrace_snmp[/<name>].

splunktaucclib's admin_external handler over splunkd's data/inputs/acltrace_snmp, so the
configuration page creates, edits, enables, disables and removes inputs; each stanza is checked by
the same rules as the input's own --validate-arguments (acltrace_splunk.snmp_input.settings).
admin_external needs splunkd's ``splunk`` package: imported when splunkd runs this file.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace_splunk import rest_models as acltrace_rest_models  # noqa: E402


def main():
    from splunktaucclib.rest_handler import admin_external, util
    from splunktaucclib.rest_handler.admin_external import AdminExternalHandler

    util.remove_http_proxy_env_vars()
    admin_external.handle(acltrace_rest_models.input_model(), handler=AdminExternalHandler)


if __name__ == "__main__":
    main()
