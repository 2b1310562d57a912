"""The acltrace_snmp modular input, driven as splunkd drives it, and the configuration page's REST models.

The script (bin/acltrace_snmp.py) is spawned with ``--scheme``, with ``--validate-arguments`` and the
validation XML on stdin, and with the input configuration XML on stdin; it polls the snmpsim agents of
test_snmpcollect and reads its account from a fake splunkd (a local HTTP server answering the REST
calls solnlib's ConfManager and CredentialManager make: the account's conf stanza with ``******``
for its secrets, and storage/passwords with the secrets in clear). Its stdout must be an XML event
stream; secrets must never show in stdout, stderr or the checkpoint.
"""
import dataclasses
import json
import os
import re
import select
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, unquote, urlsplit
from xml.sax.saxutils import escape

import pytest
from conftest import REPO
from fake_splunkd import serving
from snmpagent import V3_USERS, free_udp_port

from acltrace.snmp.collect import Device
from acltrace.snmp.walk import Credentials
from acltrace_splunk import snmp_input as snmpinput

SCRIPT = REPO / "bin" / "acltrace_snmp.py"
SESSION_KEY = "fake-session-key-0123456789"
REALM = "__REST_CREDENTIAL__#acltrace#configs/conf-acltrace_account"
COMMUNITY = "public"
AUTH_KEY, PRIV_KEY = V3_USERS["acltrace"]
ACCOUNTS = {
    "campus-v2c": ({"snmp_version": "2c", "community": "******"}, {"community": COMMUNITY}),
    "campus-v3": ({"snmp_version": "3", "v3_user": "acltrace", "auth_protocol": "sha", "auth_key": "******",
                   "priv_protocol": "aes", "priv_key": "******", "context": "public"},
                  {"auth_key": AUTH_KEY, "priv_key": PRIV_KEY}),
    "wrong-community": ({"snmp_version": "2c", "community": "******"}, {"community": "not-this-one"}),
}


# --- a fake splunkd ------------------------------------------------------------------------------

def atom(entries):
    """An Atom feed as splunkd writes it: ``entries`` is [(title, {key: value})]."""
    acl = ('<s:key name="eai:acl"><s:dict><s:key name="app">acltrace</s:key><s:key name="owner">nobody</s:key>'
           '<s:key name="sharing">app</s:key></s:dict></s:key>')
    items = []
    for title, content in entries:
        keys = "".join(f'<s:key name="{escape(k)}">{escape(v)}</s:key>' for k, v in content.items())
        path = f"/servicesNS/nobody/acltrace/x/{quote(title, safe='')}"
        items.append(f"<entry><title>{escape(title)}</title><id>https://127.0.0.1{path}</id>"
                     f'<link href="{path}" rel="alternate"/><content type="text/xml"><s:dict>{keys}{acl}</s:dict>'
                     "</content></entry>")
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:s="http://dev.splunk.com/ns/rest" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
            f"<title>fake</title><opensearch:totalResults>{len(entries)}</opensearch:totalResults>"
            f"{''.join(items)}</feed>")


class FakeSplunkd(BaseHTTPRequestHandler):
    requests: list = []
    loglevel = None          # acltrace_settings.conf [logging] loglevel, or no such conf (an older install)

    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        path, query = unquote(url.path), parse_qs(url.query)
        self.requests.append((path, query, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != f"Splunk {SESSION_KEY}":
            return self.answer(401, atom([]))
        if path in ("/servicesNS/nobody/acltrace/properties/acltrace_account",
                    "/servicesNS/nobody/dummy/properties/acltrace_account"):
            return self.answer(200, atom([(name, {}) for name in ACCOUNTS]))
        if self.loglevel and path.endswith("/properties/acltrace_settings"):
            return self.answer(200, atom([("logging", {})]))
        if self.loglevel and path == "/servicesNS/nobody/acltrace/configs/conf-acltrace_settings/logging":
            return self.answer(200, atom([("logging", {"loglevel": self.loglevel})]))
        prefix = "/servicesNS/nobody/acltrace/configs/conf-acltrace_account/"
        if path.startswith(prefix):
            name = path[len(prefix):]
            if name not in ACCOUNTS:
                return self.answer(404, "<response><messages><msg type='ERROR'>not found</msg></messages></response>")
            return self.answer(200, atom([(name, ACCOUNTS[name][0])]))
        if path.rstrip("/") == "/servicesNS/nobody/acltrace/storage/passwords":
            wanted = query.get("search", [""])[0]
            entries = [(f"{REALM}:{name}:", {"realm": REALM, "username": name,
                                             "clear_password": json.dumps(secrets), "encr_password": "x"})
                       for name, (_, secrets) in ACCOUNTS.items()]
            return self.answer(200, atom([e for e in entries if wanted in ("", f"realm={REALM}")]))
        return self.answer(404, "<response/>")

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def splunkd():
    yield from serving(FakeSplunkd)


# --- driving the script as splunkd does --------------------------------------------------------

def run(args, stdin=""):
    return subprocess.run([sys.executable, str(SCRIPT), *args], input=stdin, capture_output=True, text=True,
                          cwd=str(REPO / "bin"), timeout=120)


def params_xml(params, tag):
    return "".join(f'<param name="{escape(k)}">{escape(str(v))}</param>' for k, v in params.items()) if tag else ""


def metadata_xml(server_uri, checkpoint_dir):
    return (f"<server_host>sh1</server_host><server_uri>{server_uri}</server_uri>"
            f"<session_key>{SESSION_KEY}</session_key><checkpoint_dir>{checkpoint_dir}</checkpoint_dir>")


def validation_xml(server_uri, checkpoint_dir, params, name="campus"):
    return (f"<items>{metadata_xml(server_uri, checkpoint_dir)}<item name=\"{name}\">"
            f"{params_xml(params, True)}</item></items>")


def input_xml(server_uri, checkpoint_dir, stanzas):
    body = "".join(f'<stanza name="acltrace_snmp://{name}">{params_xml(params, True)}</stanza>'
                   for name, params in stanzas.items())
    return f"<input>{metadata_xml(server_uri, checkpoint_dir)}<configuration>{body}</configuration></input>"


def stream(stdout):
    """The events of an XML stream: [(sourcetype, stanza, time, data dict)]."""
    root = ET.fromstring(stdout)
    assert root.tag == "stream"
    return [(e.findtext("sourcetype"), e.get("stanza"), e.findtext("time"), json.loads(e.findtext("data")))
            for e in root.findall("event")]


def assert_no_secrets(*texts):
    for text in texts:
        for secret in (COMMUNITY + "@", "not-this-one", AUTH_KEY, PRIV_KEY, SESSION_KEY):
            assert secret not in text


# --- scheme and validation ---------------------------------------------------------------------

def test_scheme():
    done = run(["--scheme"])
    assert done.returncode == 0, done.stderr
    scheme = ET.fromstring(done.stdout)
    assert scheme.findtext("use_external_validation") == "true"
    assert scheme.findtext("streaming_mode") == "xml"
    args = {a.get("name"): a for a in scheme.iter("arg")}
    assert set(args) == {"devices", "account", "tables", "timeout", "retries", "concurrency", "device_deadline",
                         "max_rows"}
    assert "(default 300)" in args["device_deadline"].findtext("description")
    assert "(default 250000)" in args["max_rows"].findtext("description")
    assert args["devices"].findtext("required_on_create") == "true"
    assert args["account"].findtext("required_on_create") == "true"
    assert args["tables"].findtext("required_on_create") == "false"


def test_validate_good_arguments(splunkd, tmp_path):
    done = run(["--validate-arguments"], validation_xml(splunkd, tmp_path, {
        "devices": "10.0.0.2, 10.0.0.3:1161\n[2001:db8::1]:161", "account": "campus-v3", "tables": "mac,arp",
        "timeout": "1.5", "retries": "2", "interval": "300", "device_deadline": "120", "max_rows": "500000"}))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert any("/configs/conf-acltrace_account/campus-v3" in path for path, _, _ in FakeSplunkd.requests)
    assert_no_secrets(done.stdout, done.stderr)


@pytest.mark.parametrize("params,message", [
    ({"devices": "10.0.0.2:99999", "account": "campus-v2c"}, "devices: not HOST[:PORT]: 10.0.0.2:99999"),
    ({"devices": "", "account": "campus-v2c"}, "devices: give at least one"),
    ({"devices": "10.0.0.2", "account": ""}, "account: name the SNMP account"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "tables": "mac,routes"}, "tables: unknown routes"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "timeout": "soon"}, "timeout: not a number"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "retries": "99"}, "retries: 99 is outside 0..10"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "interval": "5"}, "interval: 5 is outside 60.."),
    ({"devices": "10.0.0.2", "account": "nobody-has-this"}, "no SNMP account named 'nobody-has-this'"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "device_deadline": "0"},
     "device_deadline: 0 is outside 1.0..86400.0"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "max_rows": "lots"}, "max_rows: not a number: 'lots'"),
    ({"devices": "10.0.0.2", "account": "campus-v2c", "max_rows": "0"}, "max_rows: 0 is outside 1..10000000"),
], ids=["port", "no-devices", "no-account", "table", "timeout", "retries", "interval", "unknown-account",
        "deadline", "rows-nan", "rows-0"])
def test_validate_bad_arguments(splunkd, tmp_path, params, message):
    done = run(["--validate-arguments"], validation_xml(splunkd, tmp_path, params))
    assert done.returncode == 1
    error = ET.fromstring(done.stdout)
    assert error.tag == "error" and message in error.findtext("message")


# --- runs ----------------------------------------------------------------------------------------

def test_run_writes_rows_and_a_status_per_device(agents, splunkd, tmp_path):
    dead = free_udp_port()
    devices = [f"127.0.0.1:{agents[name]}" for name in ("cisco-access", "arista-dist", "router")]
    config = input_xml(splunkd, tmp_path, {"campus": {
        "devices": ",".join(devices) + f"\n127.0.0.1:{dead}", "account": "campus-v2c", "interval": "300",
        "timeout": "0.5", "retries": "0", "index": "network"}})
    done = run([], config)
    assert done.returncode == 0, done.stderr
    events = stream(done.stdout)
    assert {stanza for _, stanza, _, _ in events} == {"acltrace_snmp://campus"}
    by_type = {}
    for sourcetype, _, when, data in events:
        by_type.setdefault(sourcetype, []).append(data)
        assert float(when) == data["time"]
    assert set(by_type) == {"acltrace:mac", "acltrace:arp", "acltrace:neighbor", "acltrace:collector"}
    assert all(row["kind"] == "mac" and row["source"] == "snmp" for row in by_type["acltrace:mac"])
    assert {"mac": "00:0d:56:aa:1b:2c", "switch": "acc-sw1", "port": "GigabitEthernet1/0/2", "vlan": "20",
            "type": "dynamic"}.items() <= next(r for r in by_type["acltrace:mac"]
                                               if r["switch"] == "acc-sw1" and r["mac"] == "00:0d:56:aa:1b:2c").items()
    assert {r["device"] for r in by_type["acltrace:arp"]} == {"dist-sw2", "gw-rtr1"}
    statuses = {s["host"]: s for s in by_type["acltrace:collector"]}
    assert len(statuses) == 4 and all(s["input"] == "campus" for s in statuses.values())
    assert [statuses[d]["status"] for d in devices] == ["ok", "ok", "ok"]
    assert statuses[f"127.0.0.1:{dead}"]["status"] == "error" and statuses[f"127.0.0.1:{dead}"]["rows"] == 0
    assert "no answer" in statuses[f"127.0.0.1:{dead}"]["error"]
    rows = len(events) - 4
    assert sum(s["rows"] for s in statuses.values()) == rows
    assert "acc-sw1 (127.0.0.1:" in done.stderr
    checkpoint = (tmp_path / "campus.json").read_text()
    assert_no_secrets(done.stdout, done.stderr, checkpoint)
    # splunkd's REST API was used with the session key: the conf stanza and storage/passwords
    paths = [path for path, _, auth in FakeSplunkd.requests if auth == f"Splunk {SESSION_KEY}"]
    assert "/servicesNS/nobody/acltrace/configs/conf-acltrace_account/campus-v2c" in paths
    assert any(p.startswith("/servicesNS/nobody/acltrace/storage/passwords") for p in paths)

    # A restart right after: every device was polled within the interval, nothing is polled again.
    again = run([], config)
    assert again.returncode == 0, again.stderr
    assert "<event" not in again.stdout
    assert "4 of 4 devices were polled less than 300 s ago; skipped" in again.stderr


@pytest.mark.parametrize("level", ["ERROR", "debug", None])
def test_the_log_level_of_acltrace_settings_decides_the_lines(agents, splunkd, tmp_path, level):
    config = input_xml(splunkd, tmp_path, {"lvl": {
        "devices": f"127.0.0.1:{agents['router']}", "account": "campus-v2c", "tables": "arp", "interval": "60"}})
    FakeSplunkd.loglevel = level
    try:
        done = run([], config)
    finally:
        FakeSplunkd.loglevel = None
    assert done.returncode == 0, done.stderr
    assert len(stream(done.stdout)) == 6
    polled = "acltrace_snmp lvl: gw-rtr1 (127.0.0.1:" in done.stderr
    due = "acltrace_snmp lvl: 1 of 1 devices due" in done.stderr
    assert (polled, due) == {"ERROR": (False, False), "debug": (True, True), None: (True, False)}[level], done.stderr


def test_the_settings_conf_and_its_spec_agree():
    from splunkconf import read_conf
    conf = read_conf(REPO / "default" / "acltrace_settings.conf")
    assert snmpinput.log_level(conf["logging"]["loglevel"]) == conf["logging"]["loglevel"] == "INFO"
    spec = (REPO / "README" / "acltrace_settings.conf.spec").read_text(encoding="utf-8")
    assert "loglevel = " + "|".join(snmpinput.LOG_LEVELS) in spec
    assert read_conf(REPO / "default" / "app.conf")["triggers"]["reload.acltrace_settings"] == "simple"
    assert [snmpinput.log_level(t) for t in ("warn", " Debug ", "", "verbose", None)] == [
        "WARNING", "DEBUG", "INFO", "INFO", "INFO"]


def test_run_v3_auth_priv(agents, splunkd, tmp_path):
    config = input_xml(splunkd, tmp_path, {"v3": {
        "devices": f"127.0.0.1:{agents['router']}", "account": "campus-v3", "tables": "arp", "interval": "60"}})
    done = run([], config)
    assert done.returncode == 0, done.stderr
    events = stream(done.stdout)
    assert [s for s, _, _, _ in events] == ["acltrace:arp"] * 5 + ["acltrace:collector"]
    assert events[-1][3]["status"] == "ok" and events[-1][3]["rows"] == 5
    assert_no_secrets(done.stdout, done.stderr, (tmp_path / "v3.json").read_text())


def test_run_wrong_community_is_an_error_status_without_rows(agents, splunkd, tmp_path):
    config = input_xml(splunkd, tmp_path, {"bad": {
        "devices": f"127.0.0.1:{agents['cisco-access']}", "account": "wrong-community", "timeout": "0.5",
        "retries": "0"}})
    done = run([], config)
    assert done.returncode == 0, done.stderr
    [(sourcetype, _, _, status)] = stream(done.stdout)
    assert sourcetype == "acltrace:collector" and status["status"] == "error" and status["rows"] == 0
    assert "wrong community" in status["error"]
    assert_no_secrets(done.stdout, done.stderr)


def test_run_with_a_missing_account_logs_and_writes_nothing(splunkd, tmp_path):
    done = run([], input_xml(splunkd, tmp_path, {"lost": {"devices": "127.0.0.1", "account": "gone"}}))
    assert done.returncode == 0
    assert "<event" not in done.stdout
    assert "ERROR acltrace_snmp lost: no SNMP account named 'gone'" in done.stderr


def test_run_with_a_refused_session_key(splunkd, tmp_path):
    config = input_xml(splunkd, tmp_path, {"x": {"devices": "127.0.0.1", "account": "campus-v2c"}})
    done = run([], config.replace(SESSION_KEY, "stale-key-4711"))
    assert "<event" not in done.stdout
    assert "cannot read SNMP account 'campus-v2c' from splunkd" in done.stderr
    assert "stale-key-4711" not in done.stderr


def read_until(process, wanted, seconds=30.0):
    """What ``process`` wrote on stdout until ``wanted`` shows in it (or it ended, or ``seconds``)."""
    got, ends = b"", time.monotonic() + seconds
    while wanted.encode() not in got and time.monotonic() < ends:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            got += chunk
    return got


def test_run_writes_each_device_and_its_checkpoint_as_soon_as_it_is_done(agents, splunkd, tmp_path, hostile):
    """The router's events and checkpoint entry are written while the dawdling switch is still being polled."""
    router, dawdling = f"127.0.0.1:{agents['router']}", f"127.0.0.1:{hostile['dawdling']}"
    config = input_xml(splunkd, tmp_path, {"campus": {
        "devices": f"{dawdling}, {router}", "account": "campus-v2c", "tables": "mac,arp", "timeout": "3",
        "retries": "0", "device_deadline": "60"}})
    checkpoint = tmp_path / "campus.json"
    with subprocess.Popen([sys.executable, str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, cwd=str(REPO / "bin")) as process:
        process.stdin.write(config.encode())
        process.stdin.close()
        first = read_until(process, '"kind": "status", "device": "gw-rtr1"')
        ends = time.monotonic() + 3
        while time.monotonic() < ends and router not in (checkpoint.read_text() if checkpoint.exists() else ""):
            time.sleep(0.05)
        noted_then = checkpoint.read_text() if checkpoint.exists() else ""
        still_polling = process.poll() is None
        rest, errors = process.stdout.read(), process.stderr.read()
        process.wait(120)
    assert b'"device": "gw-rtr1"' in first and b"dawdle-sw" not in first
    assert still_polling and router in noted_then and dawdling not in noted_then
    assert process.returncode == 0, errors
    events = stream((first + rest).decode())
    devices = [data.get("device") or data.get("switch") for _, _, _, data in events]
    assert devices[:6] == ["gw-rtr1"] * 6 and set(devices[6:]) == {"dawdle-sw"} and len(devices) == 6 + 1001
    assert [data["status"] for _, _, _, data in events if data["kind"] == "status"] == ["ok", "ok"]
    assert set(json.loads(checkpoint.read_text())["polled"]) == {router, dawdling}      # one line again
    assert b"gw-rtr1 (127.0.0.1:" in errors and b"dawdle-sw (127.0.0.1:" in errors
    assert_no_secrets((first + rest).decode(), errors.decode(), checkpoint.read_text())


def test_run_cuts_off_a_device_at_its_deadline_or_row_cap(agents, splunkd, tmp_path, hostile):
    big, dawdling = f"127.0.0.1:{hostile['big']}", f"127.0.0.1:{hostile['dawdling']}"
    router = f"127.0.0.1:{agents['router']}"
    config = input_xml(splunkd, tmp_path, {"limits": {
        "devices": f"{big}, {dawdling}, {router}", "account": "campus-v2c", "tables": "mac,arp", "timeout": "3",
        "retries": "0", "device_deadline": "1.5", "max_rows": "500"}})
    done = run([], config)
    assert done.returncode == 0, done.stderr
    events = stream(done.stdout)
    statuses = {data["host"]: data for _, _, _, data in events if data["kind"] == "status"}
    assert statuses[big]["status"] == "partial" and statuses[big]["error"] == "cut off at the row cap of 500 rows"
    assert statuses[dawdling]["status"] == "partial"
    assert statuses[dawdling]["error"] == "cut off at the device deadline of 1.5 s"
    assert statuses[router]["status"] == "ok" and statuses[router]["rows"] == 5
    rows = [data for _, _, _, data in events if data["kind"] != "status"]
    assert len(rows) == sum(s["rows"] for s in statuses.values())
    assert all(row["partial"] is True for row in rows if row["switch" if row["kind"] == "mac" else "device"]
               in ("bench-sw", "dawdle-sw"))
    assert statuses[big]["rows"] == 500 - 48 - 48
    assert "cut off at the row cap of 500 rows" in done.stderr and "cut off at the device deadline" in done.stderr
    # a partial device was polled all the same: the checkpoint holds it until its next turn
    assert set(json.loads((tmp_path / "limits.json").read_text())["polled"]) == {big, dawdling, router}


# --- core rules of the input ---------------------------------------------------------------------

def test_checkpoint_skips_devices_polled_within_the_interval(tmp_path):
    devices = [Device("10.0.0.1"), Device("10.0.0.2", 1161)]
    checkpoint = snmpinput.Checkpoint(str(tmp_path), "acltrace_snmp://x y")
    assert checkpoint.due(devices, 300, now=1000) == devices
    checkpoint.save({"10.0.0.1": 1000}, devices)
    again = snmpinput.Checkpoint(str(tmp_path), "acltrace_snmp://x y")
    assert again.due(devices, 300, now=1100) == [devices[1]]
    assert again.due(devices, 300, now=1275) == devices            # a run a little early still polls it
    again.save({}, devices[1:])                                      # a device taken out is forgotten
    assert snmpinput.Checkpoint(str(tmp_path), "acltrace_snmp://x y").polled == {}


def test_checkpoint_records_each_device_as_a_line_of_its_own(tmp_path):
    devices = [Device("10.0.0.1"), Device("10.0.0.2"), Device("10.0.0.3")]
    (tmp_path / "x.json").write_text('{"polled": {"10.0.0.1": 900}}')         # as written before, no new line
    checkpoint = snmpinput.Checkpoint(str(tmp_path), "x")
    checkpoint.record("10.0.0.2", 1000)
    checkpoint.record("10.0.0.1", 1010)
    assert (tmp_path / "x.json").read_text().splitlines() == [
        '{"polled": {"10.0.0.1": 900}}', '{"polled": {"10.0.0.2": 1000.0}}', '{"polled": {"10.0.0.1": 1010.0}}']
    with open(tmp_path / "x.json", "a") as torn:                                   # a run killed mid-line
        torn.write('{"polled": {"10.0.0.3": 10')
    again = snmpinput.Checkpoint(str(tmp_path), "x")
    assert again.polled == {"10.0.0.1": 1010.0, "10.0.0.2": 1000.0}
    assert again.due(devices, 300, now=1100) == [devices[2]]
    again.record("10.0.0.3", 1020)                                                 # on a line of its own
    assert snmpinput.Checkpoint(str(tmp_path), "x").polled["10.0.0.3"] == 1020.0
    again.save({}, devices[1:])                                                    # one line, the input's devices
    assert (tmp_path / "x.json").read_text() == '{"polled": {"10.0.0.2": 1000.0, "10.0.0.3": 1020.0}}\n'


def test_settings_limits():
    config = snmpinput.settings({"devices": "10.0.0.1", "account": "a"})
    assert (config.device_deadline, config.max_rows) == (300.0, 250000)
    config = snmpinput.settings({"devices": "10.0.0.1", "account": "a", "device_deadline": "45.5",
                                 "max_rows": "1000"})
    assert (config.device_deadline, config.max_rows) == (45.5, 1000)


def test_a_broken_checkpoint_polls_everything(tmp_path):
    (tmp_path / "x.json").write_text("{not json")
    assert snmpinput.Checkpoint(str(tmp_path), "x").due([Device("h")], 300, now=0) == [Device("h")]


def test_account_credentials():
    assert snmpinput.account_credentials({"snmp_version": "2c", "community": "c0mm"}) == Credentials(community="c0mm")
    v3 = snmpinput.account_credentials({"snmp_version": "3", "v3_user": "u", "auth_protocol": "SHA256",
                                        "auth_key": "a" * 8, "priv_key": "", "context": "ctx"})
    assert v3 == Credentials(user="u", auth_key="a" * 8, auth_protocol="sha256", priv_key=None, context="ctx")


# --- the configuration page's REST models (splunktaucclib, no splunkd) -------------------------

MODELS = """
import json, sys
sys.path.insert(0, "bin")
from acltrace_splunk import rest_models as m
from splunktaucclib.rest_handler.error import RestError
out = []
for kind, data, existing in json.loads(sys.stdin.read()):
    model = m.account_model() if kind == "account" else m.input_model()
    try:
        model.validate("x", data, existing)
        out.append("ok")
    except RestError as e:
        out.append(f"{e.status} {e.message}")
print(json.dumps(out))
"""


def validate_with_models(cases):
    done = subprocess.run([sys.executable, "-c", MODELS], input=json.dumps(cases), capture_output=True, text=True,
                          cwd=str(REPO))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


ACCOUNT_CASES = [
    ({"snmp_version": "2c", "community": "s3cret-ro"}, None, "ok"),
    ({"snmp_version": "2c", "community": "******"}, {"community": "******"}, "ok"),      # edit, kept secret
    ({"snmp_version": "2c", "community": ""}, None, "400 community: an SNMP v2c account needs a community"),
    ({"snmp_version": "2c", "community": "ro@20"}, None, "400 community: no '@'"),
    ({"snmp_version": "2c", "community": "two words"}, None, "400 community: up to 255 printable characters"),
    ({"snmp_version": "1", "community": "x"}, None, "400 snmp_version: '1' is not one of 2c, 3"),
    ({"snmp_version": "3", "v3_user": "u", "auth_protocol": "sha", "auth_key": "authkey-123",
      "priv_protocol": "aes", "priv_key": "privkey-456"}, None, "ok"),
    ({"snmp_version": "3", "v3_user": "u", "auth_key": "******", "priv_key": "******"}, {}, "ok"),
    ({"snmp_version": "3", "v3_user": "u", "auth_protocol": "sha", "auth_key": "authkey-123"}, None, "ok"),
    ({"snmp_version": "3", "v3_user": "u", "auth_protocol": "sha1", "auth_key": "authkey-123"}, None,
     "400 auth_protocol: 'sha1' is not one of md5, sha, sha224"),
    ({"snmp_version": "3", "v3_user": "u", "auth_key": "authkey-123", "priv_protocol": "blowfish",
      "priv_key": "privkey-456"}, None, "400 priv_protocol: 'blowfish' is not one of des, 3des, aes"),
    ({"snmp_version": "3", "v3_user": "u", "auth_key": "short"}, None,
     "400 v3 keys (passphrases) must have at least 8"),
    ({"snmp_version": "3", "v3_user": "u", "priv_key": "privkey-456"}, None, "400 priv_key: a v3 privacy key needs"),
    ({"snmp_version": "3", "auth_key": "authkey-123"}, None, "400 v3_user: an SNMP v3 account needs a user name"),
    ({"community": "x"}, None, "400 Required field is missing: snmp_version"),
]


def test_account_model_validation():
    results = validate_with_models([("account", data, existing) for data, existing, _ in ACCOUNT_CASES])
    for (data, _, expected), got in zip(ACCOUNT_CASES, results):
        assert got.startswith(expected), (data, got)
        for secret in ("s3cret-ro", "authkey-123", "privkey-456", "short"):
            assert secret not in got


def test_input_model_validation():
    cases = [({"devices": "10.0.0.1", "account": "a", "interval": "300"}, "ok"),
             ({"devices": "10.0.0.1:0", "account": "a", "interval": "300"}, "400 devices: not HOST[:PORT]"),
             ({"devices": "10.0.0.1", "account": "a", "interval": "300", "tables": "fdb"}, "400 tables: unknown fdb"),
             ({"devices": "10.0.0.1", "interval": "300"}, "400 account: name the SNMP account")]
    results = validate_with_models([("input", data, None) for data, _ in cases])
    for (data, expected), got in zip(cases, results):
        assert got.startswith(expected), (data, got)


def test_the_page_edits_every_setting_of_the_input():
    """The REST model, the configuration page's form and its script name every setting the input reads."""
    source = (REPO / "bin" / "acltrace_splunk" / "rest_models.py").read_text()
    model = set(re.findall(r'RestField\("(\w+)"', source.split("def input_model", 1)[1]))
    settings = set(snmpinput.Settings._fields) if hasattr(snmpinput.Settings, "_fields") else {
        f.name for f in dataclasses.fields(snmpinput.Settings)}
    assert settings <= model, settings - model
    page = (REPO / "default/data/ui/views/acltrace_configuration.xml").read_text()
    script = (REPO / "appserver/static/acltrace_configuration.js").read_text()
    for name in settings - {"concurrency"}:          # concurrency: inputs.conf only (README/inputs.conf.spec)
        assert f'name="{name}"' in page and f'"{name}"' in script, name


def test_test_device_endpoint(agents, splunkd):
    code = f"""
import json, sys
sys.path.insert(0, "bin")
import acltrace_rh_test_device as t
handler = t.TestDeviceHandler("", "")
out = []
for form in json.loads(sys.stdin.read()):
    request = {{"method": "POST", "server": {{"rest_uri": "{splunkd}"}},
               "session": {{"authtoken": "{SESSION_KEY}"}}}}
    request.update(form if "payload" in form else {{"form": form}})
    out.append(handler.handle(json.dumps(request)))
out.append(handler.handle(json.dumps({{"method": "GET"}})))
print(json.dumps(out))
"""
    forms = [[["device", f"127.0.0.1:{agents['cisco-access']}"], ["account", "campus-v2c"]],
             {"device": f"127.0.0.1:{agents['cisco-access']}", "account": "wrong-community", "timeout": "0.5",
              "retries": "0"},
             {"device": "10.0.0.1, 10.0.0.2", "account": "campus-v2c"},
             {"device": "10.0.0.1", "account": "gone"}]
    forms[3] = {"payload": "device=10.0.0.1&account=gone"}
    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(forms), capture_output=True, text=True,
                          cwd=str(REPO))
    assert done.returncode == 0, done.stderr
    ok, wrong, two, gone, get = json.loads(done.stdout.splitlines()[-1])
    assert ok["status"] == 200 and ok["payload"]["status"] == "ok" and ok["payload"]["device"] == "acc-sw1"
    assert ok["payload"]["rows"] == {"mac": 7, "arp": 0, "neighbor": 2}
    assert wrong["status"] == 200 and wrong["payload"]["status"] == "error"
    assert "wrong community" in wrong["payload"]["error"]
    assert two["status"] == 400 and "one HOST[:PORT] at a time" in two["payload"]["error"]
    assert gone["status"] == 400 and "no SNMP account named 'gone'" in gone["payload"]["error"]
    assert get["status"] == 405
    assert_no_secrets(done.stdout, done.stderr)


# --- the account REST handler stores secrets in storage/passwords, not in the .conf ------------

class StatefulSplunkd(BaseHTTPRequestHandler):
    """Just enough splunkd for splunktaucclib's RestHandler and solnlib's ConfManager: one conf file
    (configs/conf-acltrace_account, JSON or Atom) and storage/passwords (Atom)."""

    conf: dict = {}
    passwords: dict = {}        # (realm, username): clear password
    bodies: list = []           # every POST body, as sent

    def log_message(self, *args):
        pass

    def parts(self):
        url = urlsplit(self.path)
        return unquote(url.path), {k: v[-1] for k, v in parse_qs(url.query).items()}

    def do_GET(self):
        path, query = self.parts()
        json_mode = query.get("output_mode") == "json"
        conf = "/servicesNS/nobody/acltrace/configs/conf-acltrace_account"
        if path.endswith("/properties/acltrace_account"):
            return self.answer(200, atom([(name, {}) for name in self.conf]))
        if path.startswith(conf + "/"):
            name = path[len(conf) + 1:]
            if name not in self.conf:
                return self.answer(404, '{"messages": [{"type": "ERROR", "text": "not found"}]}' if json_mode
                                   else "<response/>")
            return self.entries([(name, self.conf[name])], json_mode)
        if path.rstrip("/") == "/servicesNS/nobody/acltrace/storage/passwords":
            realm = query.get("search", "").partition("realm=")[2]
            return self.answer(200, atom([(f"{r}:{u}:", {"realm": r, "username": u, "clear_password": p})
                                          for (r, u), p in self.passwords.items() if r == realm or not realm]))
        return self.answer(404, '{"messages": [{"type": "ERROR", "text": "no such endpoint"}]}')

    def do_POST(self):
        path, query = self.parts()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        self.bodies.append((path, body))
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if path == "/servicesNS/nobody/acltrace/configs/conf-acltrace_account":
            name = form.pop("name")
            self.conf[name] = form
            return self.entries([(name, form)], True, 201)
        if path.rstrip("/") == "/servicesNS/nobody/acltrace/storage/passwords":
            key = (form["realm"], form["name"])
            if key in self.passwords:
                return self.answer(409, "<response/>")
            self.passwords[key] = form["password"]
            return self.answer(201, atom([(f"{key[0]}:{key[1]}:", {"realm": key[0], "username": key[1],
                                                                  "clear_password": form["password"]})]))
        return self.answer(404, '{"messages": [{"type": "ERROR", "text": "no such endpoint"}]}')

    def entries(self, entries, json_mode, status=200):
        if not json_mode:
            return self.answer(status, atom(entries))
        acl = {"app": "acltrace", "owner": "nobody", "sharing": "app", "can_write": True, "modifiable": True,
               "removable": True, "perms": {"read": ["*"], "write": ["admin"]}}
        return self.answer(status, json.dumps({"entry": [{"name": n, "content": c, "acl": acl}
                                                         for n, c in entries]}))

    answer = FakeSplunkd.answer


@pytest.fixture()
def stateful_splunkd():
    StatefulSplunkd.conf, StatefulSplunkd.passwords, StatefulSplunkd.bodies = {}, {}, []
    yield from serving(StatefulSplunkd)


HANDLER = """
import json, sys
sys.path.insert(0, sys.argv[3])
from acltrace_splunk import accounts as acltrace_accounts, rest_models as acltrace_rest_models
from splunktaucclib.rest_handler.handler import RestHandler
from splunktaucclib.rest_handler.error import RestError
uri, key = sys.argv[1], sys.argv[2]
handler = RestHandler(uri, key, acltrace_rest_models.account_model())
out = {}
for name, data in json.loads(sys.stdin.read()):
    try:
        out[name] = [entity.content for entity in handler.create(name, data)]
    except RestError as e:
        out[name] = f"{e.status} {e.message}"
out["read"] = acltrace_accounts.read_account(uri, key, "campus-v3")
print(json.dumps(out))
"""


def test_account_handler_keeps_secrets_in_storage_passwords(stateful_splunkd, tmp_path):
    # splunktaucclib names the app (and so the realm) after the handler script's etc/apps/<app> folder
    script = tmp_path / "etc" / "apps" / "acltrace" / "bin" / "acltrace_rh_driver.py"
    script.parent.mkdir(parents=True)
    script.write_text(HANDLER)
    accounts = [("campus-v3", {"snmp_version": "3", "v3_user": "acltrace", "auth_protocol": "sha",
                               "auth_key": AUTH_KEY, "priv_protocol": "aes", "priv_key": PRIV_KEY,
                               "context": "public"}),
                ("bad", {"snmp_version": "2c", "community": "ro@20"})]
    done = subprocess.run([sys.executable, str(script), stateful_splunkd, SESSION_KEY, str(REPO / "bin")],
                          input=json.dumps(accounts), capture_output=True, text=True, cwd=str(REPO), timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.splitlines()[-1])
    [created] = out["campus-v3"]
    assert created["auth_key"] == created["priv_key"] == "******" and created["v3_user"] == "acltrace"
    assert out["bad"].startswith("400 community: no '@'")
    # the .conf got placeholders only; storage/passwords got the keys, in the realm the input reads
    assert StatefulSplunkd.conf == {"campus-v3": {"snmp_version": "3", "v3_user": "acltrace", "auth_protocol": "sha",
                                                  "auth_key": "******", "priv_protocol": "aes", "priv_key": "******",
                                                  "context": "public"}}
    conf_posts = [body for path, body in StatefulSplunkd.bodies if "conf-acltrace_account" in path]
    assert conf_posts and all(AUTH_KEY not in b and PRIV_KEY not in b for b in conf_posts)
    stored = "".join(p for (realm, _), p in StatefulSplunkd.passwords.items() if realm == REALM)
    assert AUTH_KEY in stored and PRIV_KEY in stored
    # and the input's reader gets them back in clear
    read = out["read"]
    assert (read["auth_key"], read["priv_key"], read["v3_user"]) == (AUTH_KEY, PRIV_KEY, "acltrace")
    snmpinput.check_account(read)
