#!/usr/bin/env python
"""acltrace_snmp: the modular input that polls switches and routers over SNMP for the MAC trace.

    [acltrace_snmp://campus]
    devices = acc-sw1.example.com, dist-sw2.example.com:1161
    account = campus-ro
    tables = mac,arp,neighbors
    interval = 300

splunkd runs this script every ``interval`` seconds per input (README/inputs.conf.spec). A run reads
the input's account (acltrace_accounts.read_account: the secrets come from storage/passwords
through splunkd, with the session key splunkd hands over), polls the devices that are due
concurrently (acltrace.snmp.collect) and writes, in XML streaming mode, one JSON event per table row
(sourcetypes ``acltrace:mac``, ``acltrace:arp``, ``acltrace:neighbor``; ``time`` is the poll) and
one ``acltrace:collector`` status event per device (ok, partial or error, seconds, rows, error).
Each device is written as soon as it is done (the order the devices finish), then its checkpoint
entry and its log line, so a slow device holds back no other; a device's poll is bounded by
``device_deadline`` seconds and ``max_rows`` rows (past either it is cut off: status partial).

Checkpoints: checkpoint_dir holds each device's last poll. A device polled less than ``interval``
ago is skipped, so a restart of splunkd (which runs every input at once) polls nothing twice, and
devices first polled at different times stay spread over the interval.

Its lines go to splunkd.log (stderr), at or above ``acltrace_settings.conf`` [logging] ``loglevel``
(default INFO; at DEBUG the libraries' own log lines too, else only their errors), read once a run.

``--scheme`` describes the arguments; ``--validate-arguments`` checks a stanza (and that its account
exists) before splunkd saves it. Secrets are never written to stdout, stderr or the checkpoint.
"""
import logging
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from splunklib.modularinput import Argument, Event, EventWriter, Scheme, Script  # noqa: E402

from acltrace.snmp import collect as snmpcollect  # noqa: E402
from acltrace_splunk import accounts as acltrace_accounts  # noqa: E402
from acltrace_splunk import snmp_input as snmpinput  # noqa: E402

ARGUMENTS = (
    ("devices", "Devices", "HOST[:PORT] of each switch or router, separated by commas or new lines.", True),
    ("account", "SNMP account", "Name of an SNMP account (acltrace configuration page, Accounts).", True),
    ("tables", "Tables", "Which tables to read: mac, arp, neighbors (comma separated; default all three).", False),
    ("timeout", "Timeout", "Seconds to wait for each SNMP answer (default 2).", False),
    ("retries", "Retries", "Times a request is sent again after a timeout (default 1).", False),
    ("concurrency", "Concurrency", "Devices polled at once (default 32).", False),
    ("device_deadline", "Device deadline", "Seconds one device's whole poll may take; then it is cut off, its "
     f"rows so far kept and marked partial (default {snmpinput.DEFAULT_DEADLINE:g}).", False),
    ("max_rows", "Row cap", "Table rows read from one device at most; then it is cut off likewise "
     f"(default {snmpinput.DEFAULT_MAX_ROWS}).", False),
)


class SnmpInput(Script):
    def get_scheme(self):
        scheme = Scheme("acltrace SNMP tables")
        scheme.description = ("Polls switches and routers over SNMP (v2c, v3) for their MAC address, ARP and "
                              "CDP/LLDP neighbour tables, for acltrace's MAC trace.")
        scheme.use_external_validation = True
        scheme.use_single_instance = False
        scheme.streaming_mode = Scheme.streaming_mode_xml
        for name, title, description, required in ARGUMENTS:
            scheme.add_argument(Argument(name, title=title, description=description, required_on_create=required,
                                         data_type=Argument.data_type_string))
        return scheme

    def validate_input(self, definition):
        config = snmpinput.settings(definition.parameters)
        session_key = definition.metadata.get("session_key")
        if session_key:
            account = acltrace_accounts.read_account(definition.metadata["server_uri"], session_key, config.account)
            snmpinput.check_account(account)

    def stream_events(self, inputs, ew):
        level = read_log_level(inputs.metadata)
        logging.getLogger().setLevel(logging.DEBUG if level == "DEBUG" else logging.ERROR)
        threshold = logging.getLevelName(level)

        def log(severity, text):
            if RANKS[severity] >= threshold:
                ew.log(severity, text)

        for stanza, params in inputs.inputs.items():
            name = stanza.split("://", 1)[-1]
            try:
                poll_input(stanza, name, params, inputs.metadata, ew, log)
            except (ValueError, acltrace_accounts.AccountError) as problem:
                log(EventWriter.ERROR, f"acltrace_snmp {name}: {problem}")


RANKS = {EventWriter.DEBUG: logging.DEBUG, EventWriter.INFO: logging.INFO, EventWriter.WARN: logging.WARNING,
         EventWriter.ERROR: logging.ERROR, EventWriter.FATAL: logging.CRITICAL}


def read_log_level(metadata: dict) -> str:
    """acltrace_settings.conf [logging] loglevel, through splunkd; the default when it cannot be read."""
    from solnlib.conf_manager import ConfManager

    scheme, host, port = acltrace_accounts.split_uri(metadata["server_uri"])
    try:
        stanza = ConfManager(metadata["session_key"], acltrace_accounts.APP, scheme=scheme, host=host,
                             port=port).get_conf("acltrace_settings").get("logging")
    except Exception:  # not there (an older install) or splunkd refused: the input runs at the default
        return snmpinput.DEFAULT_LOG_LEVEL
    return snmpinput.log_level(stanza.get("loglevel"))


def poll_input(stanza: str, name: str, params: dict, metadata: dict, ew, log) -> None:
    config = snmpinput.settings(params)
    account = acltrace_accounts.read_account(metadata["server_uri"], metadata["session_key"], config.account)
    try:
        snmpinput.check_account(account)
    except ValueError as problem:
        raise ValueError(f"account {config.account!r}: {problem}") from None
    devices = snmpinput.device_list(config, snmpinput.account_credentials(account))
    checkpoint = snmpinput.Checkpoint(metadata["checkpoint_dir"], name)
    due = checkpoint.due(devices, config.interval)
    log(EventWriter.DEBUG, f"acltrace_snmp {name}: {len(due)} of {len(devices)} devices due, tables "
                           f"{','.join(config.tables)}")
    if len(due) < len(devices):
        log(EventWriter.INFO, f"acltrace_snmp {name}: {len(devices) - len(due)} of {len(devices)} devices "
                                 f"were polled less than {config.interval} s ago; skipped")
    if not due:
        return
    results = snmpcollect.collect_each(due, config.tables, config.timeout, config.retries, config.concurrency,
                                       config.device_deadline, config.max_rows)
    for result in results:        # each device as soon as it is done: a slow one holds back no other
        for sourcetype, when, data in snmpinput.events([result], name):
            ew.write_event(Event(data=data, time=when, sourcetype=sourcetype, stanza=stanza, unbroken=True,
                                 done=True))
        checkpoint.record(result.device.address, result.status["time"])
        log(EventWriter.INFO, f"acltrace_snmp {name}: {snmpcollect.status_line(result.status)}")
    checkpoint.save({}, devices)      # one line again, without the devices no longer in the input


if __name__ == "__main__":
    # solnlib logs each retried REST call with its traceback at WARNING; splunkd.log gets the libraries'
    # errors only, unless loglevel is DEBUG (stream_events).
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(SnmpInput().run(sys.argv))
