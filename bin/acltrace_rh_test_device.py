#!/usr/bin/env python
"""REST endpoint "test device": POST /servicesNS/nobody/acltrace/acltrace_test_device.

Form fields: ``device`` (HOST[:PORT]), ``account`` (an SNMP account's name), optional ``tables``,
``timeout``, ``retries``, ``device_deadline``, ``max_rows`` (the input's limits). Polls that one device
now, with the account's secrets read from storage/passwords through splunkd (the caller's session
key), and answers JSON:
``{"status": "ok|partial|error", "device": sysName, "host", "seconds", "rows": {"mac": n, ...},
"error": "..."}``. Nothing is indexed. A persistent handler (default/restmap.conf); admins only.
"""
import json
import os
import sys
from urllib.parse import parse_qsl

# splunkd imports this module into its persistent-handler process: put bin/ and lib/ on the path.
sys.path[:0] = [os.path.dirname(os.path.abspath(__file__)),
                os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib")]

from acltrace.snmp import collect as snmpcollect  # noqa: E402
from acltrace_splunk import accounts as acltrace_accounts  # noqa: E402
from acltrace_splunk import snmp_input as snmpinput  # noqa: E402

try:
    from splunk.persistconn.application import PersistentServerConnectionApplication
except ImportError:         # outside splunkd (tests): the logic below is plain functions
    PersistentServerConnectionApplication = object


def test_device(server_uri: str, session_key: str, form: dict) -> tuple:
    """``(HTTP status, answer)`` for one test poll."""
    try:
        config = snmpinput.settings({"devices": form.get("device", ""), "account": form.get("account", ""),
                                     "tables": form.get("tables"), "timeout": form.get("timeout"),
                                     "retries": form.get("retries"), "device_deadline": form.get("device_deadline"),
                                     "max_rows": form.get("max_rows")})
        if len(config.devices) != 1:
            raise ValueError("device: test one HOST[:PORT] at a time")
        account = acltrace_accounts.read_account(server_uri, session_key, config.account)
        snmpinput.check_account(account)
    except (ValueError, acltrace_accounts.AccountError) as problem:
        return 400, {"status": "error", "error": str(problem)}
    devices = snmpinput.device_list(config, snmpinput.account_credentials(account))
    [result] = snmpcollect.collect(devices, config.tables, config.timeout, config.retries,
                                   deadline=config.device_deadline, max_rows=config.max_rows)
    rows = {kind: 0 for kind in ("mac", "arp", "neighbor")}
    for row in result.rows:
        rows[row["kind"]] += 1
    answer = {k: result.status[k] for k in ("status", "device", "host", "seconds") if k in result.status}
    answer["rows"] = rows
    if result.status.get("error"):
        answer["error"] = result.status["error"]
    return 200, answer


def form_of(request: dict) -> dict:
    """The request's form fields (query string, then the POST body) as one dict."""
    form = {}
    body = request.get("form") or []
    if not body and isinstance(request.get("payload"), str):
        body = parse_qsl(request["payload"])
    for source in (request.get("query") or [], body):
        pairs = source.items() if isinstance(source, dict) else source
        form.update({str(k): str(v) for k, v in pairs})
    return form


class TestDeviceHandler(PersistentServerConnectionApplication):
    def __init__(self, command_line=None, command_arg=None):
        if PersistentServerConnectionApplication is not object:
            PersistentServerConnectionApplication.__init__(self)

    def handle(self, in_string):
        request = json.loads(in_string)
        if str(request.get("method", "")).upper() != "POST":
            return {"status": 405, "payload": {"status": "error", "error": "use POST"}}
        status, answer = test_device(request["server"]["rest_uri"], request["session"]["authtoken"],
                                     form_of(request))
        return {"status": status, "payload": answer, "headers": {"Content-Type": "application/json"}}
