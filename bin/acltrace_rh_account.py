#!/usr/bin/env python
"""REST handler of acltrace's SNMP accounts: /servicesNS/nobody/acltrace/acltrace_account[/<name>].

splunktaucclib's admin_external handler over ``acltrace_account.conf`` (default/restmap.conf,
default/web.conf). The model and its validation are in acltrace_rest_models; the secrets (community,
auth_key, priv_key) go to storage/passwords and the .conf file keeps ``******``.

Unlike splunktaucclib's default, a list never returns secrets in clear (its ``--cred--`` argument is
ignored): the modular input reads them itself through splunkd, and the page never shows them.
splunktaucclib's admin_external needs splunkd's own ``splunk`` package: it is imported when splunkd
runs this file, not when the file is imported (tests).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from acltrace_splunk import rest_models as acltrace_rest_models  # noqa: E402


def main():
    from splunktaucclib.rest_handler import admin_external, util
    from splunktaucclib.rest_handler.admin_external import AdminExternalHandler

    class AccountHandler(AdminExternalHandler):
        def handleList(self, confInfo):
            self.callerArgs.data.pop(self.ACTION_CRED, None)
            return AdminExternalHandler.handleList(self, confInfo)

    util.remove_http_proxy_env_vars()
    admin_external.handle(acltrace_rest_models.account_model(), handler=AccountHandler)


if __name__ == "__main__":
    main()
