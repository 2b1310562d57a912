"""Saved searches and macros: every name they use exists, and the builders' pipelines run on the sample.

Each saved search's SPL is expanded (macros, recursively) and cut into its commands; every command is ours
or Splunk's. The lookup builders are run the way Splunk would as far as this test can play it: our custom
commands go through the SCP v2 driver (tests/support/scp.py) on the bundled sample, simple
``where field="value"`` / ``field!="value"`` filters are applied to the rows, and the first Splunk command
after that (``table``, ``stats``, ``fields``) must name only fields the rows carry. The sample is the one
its base search finds: the campus captures (as the acltrace:show sourcetype breaks them) for
``acltrace_device_tables``, the campus lookup rows for ``| inputlookup``; mactrace reads the campus from a
fake splunkd's KV store. The summary and findings searches, the alerts and the report read summary rows
and the findings collection, which no test here can fill: their SPL is checked in test_summary_spl.py.
"""
import re

import pytest
import scp
from campus import app_with_lookups, capture_events, lookup_rows
from fake_splunkd import kvstore, serving
from offline import sample_events
from scp import assert_ok
from splunkconf import read_conf

DEFAULT = scp.REPO / "default"
MACROS = read_conf(DEFAULT / "macros.conf")
SAVED = {name: s for name, s in read_conf(DEFAULT / "savedsearches.conf").items() if name != "default"}
COMMANDS = {name for name in read_conf(DEFAULT / "commands.conf") if name != "default"}
# Splunk's own commands the saved searches may use after ours (a typo is neither ours nor these).
SPLUNK_COMMANDS = {"where", "search", "table", "stats", "sort", "eval", "fields", "rename", "convert", "dedup",
                   "inputlookup", "outputlookup", "lookup", "collect", "tstats", "bin", "fillnull", "addinfo"}
LOOKUPS = {name for name in read_conf(DEFAULT / "transforms.conf") if "filename" in read_conf(
    DEFAULT / "transforms.conf")[name] or "collection" in read_conf(DEFAULT / "transforms.conf")[name]}
BUILDERS = {"acltrace - Build MAC table lookup": "acltrace_mac_table",
            "acltrace - Build neighbors lookup": "acltrace_neighbors",
            "acltrace - Build ARP lookup": "acltrace_arp",
            "acltrace - Build MAC edge lookup": "acltrace_mac_edge"}
ALERTS = {"acltrace - Blaster backscatter sources", "acltrace - Port scans (backscatter excluded)",
          "acltrace - Backscatter summary"}
# Labelling at Splunk scale (issue 15; their SPL: test_summary_spl.py).
SUMMARIES = {"acltrace - Summary rows", "acltrace - Findings", "acltrace - Expire findings"}

_MACRO = re.compile(r"`([^`(]+)(?:\(([^`)]*)\))?`")
_FILTER = re.compile(r'^where\s+(\w+)\s*(!?=)\s*"([^"]*)"$')


def expand(spl, seen=()):
    """``spl`` with every `macro` replaced by its definition (an unknown macro fails the test)."""
    def one(match):
        name, args = match.group(1), match.group(2)
        if args is not None:                      # `name(a,b)` is the macro "name(2)" with $arg$s
            values = [a.strip() for a in args.split(",")]
            name = f"{name}({len(values)})"
        assert name in MACROS, f"macro {name} is not in macros.conf"
        assert name not in seen, f"macro {name} refers to itself"
        definition = MACROS[name]["definition"]
        if args is not None:
            for arg, value in zip(MACROS[name]["args"].split(","), values):
                definition = definition.replace(f"${arg.strip()}$", value)
        return expand(definition, seen + (name,))
    return _MACRO.sub(one, spl)


def commands(spl):
    """The commands of a pipeline (the base search first), split at pipes outside quotes."""
    parts = re.findall(r'(?:[^|"]|"[^"]*")+', spl)
    return [" ".join(part.split()) for part in parts]


@pytest.fixture(scope="module")
def kv():
    """searchinfo for a splunkd whose KV store holds the campus tables."""
    for uri in serving(kvstore(lookup_rows(), "kv-key")):
        yield {"splunkd_uri": uri, "session_key": "kv-key"}


def test_there_are_the_searches_and_macros_the_issue_names():
    assert set(SAVED) == ALERTS | set(BUILDERS) | SUMMARIES
    assert "acltrace_acl_events" in MACROS
    assert all(name.startswith("acltrace_") for name in MACROS if name != "default")
    assert expand("`acltrace_store(acltrace_arp)`") == "outputlookup acltrace_arp"
    base = MACROS["acltrace_acl_events"]["definition"]
    assert 'sourcetype="cisco:ios"' in base and 'sourcetype="cisco:asa"' in base


def event_searches():
    """(where, the expanded base search) of every macro and saved search that searches events."""
    found = [(f"macro {n}", expand(m["definition"])) for n, m in MACROS.items() if n != "default"]
    found += [(f"saved search {n}", expand(s["search"])) for n, s in SAVED.items()]
    return [(where, commands(spl)[0]) for where, spl in found if "sourcetype=" in commands(spl)[0]]


def test_every_search_of_events_is_in_acltrace_index():
    index = MACROS["acltrace_index"]["definition"]
    assert "index=netfw" in index and "index=netops" in index                   # SC4S's defaults
    searches = event_searches()
    saved = {where for where, _ in searches if where.startswith("saved search ")}
    assert saved == {f"saved search {n}" for n in ("acltrace - Summary rows", "acltrace - Build MAC table lookup",
                                                   "acltrace - Build neighbors lookup", "acltrace - Build ARP lookup")}
    assert len(searches) >= 4 + len(saved)
    for where, base in searches:
        assert base.startswith(" ".join(index.split())), f"{where} does not start with `acltrace_index`: {base}"
    for name in ("acltrace_acl_events", "acltrace_device_tables", "acltrace_collector_events"):
        assert MACROS[name]["definition"].startswith("`acltrace_index` "), name


@pytest.mark.parametrize("name", sorted(ALERTS - {"acltrace - Backscatter summary"}))
def test_the_alerts_have_email_and_webhook_actions_off_with_placeholders(name):
    alert = SAVED[name]
    assert alert["action.email"] == "0" and alert["action.webhook"] == "0"
    assert alert["action.email.to"].endswith("@example.com")
    assert alert["action.webhook.param.url"].startswith("https://example.com/")
    assert 0 < int(alert["schedule_window"]) < 60             # inside the hour the alert reads
    assert "$result." not in alert["action.email.subject"]   # no value from the data in a mail header


def test_macros_refer_to_macros_and_commands_that_exist():
    for name, macro in MACROS.items():
        if name == "default":
            continue
        steps = commands(expand(macro["definition"]))
        # a macro that starts with a command (a pipeline fragment) has it checked too; a base search or an
        # eval expression does not start with one
        first = steps[0].split()[0] if steps[0] else ""
        for command in (steps if first in COMMANDS | SPLUNK_COMMANDS else steps[1:]):
            if command:
                assert command.split()[0] in COMMANDS | SPLUNK_COMMANDS, (name, command)


@pytest.mark.parametrize("name", sorted(SAVED))
def test_every_saved_search_is_scheduled_and_disabled(name):
    saved = SAVED[name]
    assert saved["enableSched"] == "1" and saved["disabled"] == "1"
    assert len(saved["cron_schedule"].split()) == 5
    assert saved["dispatch.earliest_time"] and saved["dispatch.latest_time"]
    assert saved["description"].strip()


def test_the_alerts_are_alerts_throttled_per_result():
    blaster = SAVED["acltrace - Blaster backscatter sources"]
    scans = SAVED["acltrace - Port scans (backscatter excluded)"]
    for alert in (blaster, scans):
        assert alert["alert.suppress"] == "1" and alert["alert.suppress.fields"] == "finding_id"
        assert alert["alert.track"] == "1" and alert["alert.digest_mode"] == "0"
        assert (alert["counttype"], alert["relation"], alert["quantity"]) == ("number of events", "greater than", "0")
        # the throttle fields are columns of the alert's results
        table = commands(expand(alert["search"]))[-1].split()
        assert table[0] == "table" and set(alert["alert.suppress.fields"].split(",")) <= set(table[1:])
    assert "alert.track" not in SAVED["acltrace - Backscatter summary"]


def base_rows(base):
    """What the base search finds on the samples."""
    if "acltrace:show" in base:
        return capture_events()
    if base.startswith("inputlookup "):
        return lookup_rows()[base.split()[1]]
    assert 'sourcetype="cisco:ios"' in base, base
    return sample_events()[::-1]                             # Splunk's order: newest first


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_the_builders_merge_into_their_lookup_through_the_store_macro(name):
    spl = SAVED[name]["search"]
    lookup = BUILDERS[name]
    assert spl.rstrip().endswith(f"`acltrace_store({lookup})`")
    assert lookup in LOOKUPS and read_conf(DEFAULT / "transforms.conf")[lookup]["external_type"] == "kvstore"
    for step in commands(expand(spl)):
        if step.split()[0] in ("inputlookup", "outputlookup"):
            assert step.split()[-1] in LOOKUPS, step
    if lookup != "acltrace_mac_edge":
        assert f"inputlookup append=true {lookup}" in spl            # merged with what is there
        assert "min(first_seen) as first_seen max(last_seen) as last_seen" in spl
        assert "`acltrace_table_max_age_days`" in spl


def run_pipeline(spl, app, searchinfo):
    """Run the pipeline as far as this test can (see the module doc): (rows, header, the rest)."""
    steps = commands(expand(spl))
    rows, header, ran = base_rows(steps[0]), None, []
    for at, step in enumerate(steps[1:], 1):
        name, *args = step.split()
        if name in COMMANDS:
            script = app / "bin" / f"{name}.py" if name == "mactrace" else name
            result = scp.run_command(script, args, [rows], **searchinfo)
            assert_ok(result)
            rows = result.records
            header = next((c.header for c in result.chunks if c.header), [])
            ran.append(name)
            continue
        match = _FILTER.match(step)
        if match:
            field, op, value = match.groups()
            rows = [r for r in rows if (r.get(field, "") == value) == (op == "=")]
            continue
        assert name in SPLUNK_COMMANDS, f"{name} is neither our command nor a Splunk command this test knows"
        return rows, header, ran, steps[at:]
    return rows, header, ran, []


def fields_named(step):
    """The fields a table or stats command reads."""
    name, _, rest = step.partition(" ")
    if name in ("table", "fields"):
        return set(rest.split())
    if name == "stats":
        functions, _, by = rest.partition(" by ")
        return set(re.findall(r"\w+\((\w+)\)", functions)) | set(by.split())
    return set()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_runs_on_the_sample_and_returns_rows(name, tmp_path, kv):
    rows, header, ran, rest = run_pipeline(SAVED[name]["search"], app_with_lookups(tmp_path / "app", rows={}), kv)
    assert rows, f"{name} returns no rows on the sample"
    for step in rest[:1]:
        missing = fields_named(step) - set(header)
        assert not missing, f"{name}: {step.split()[0]} names fields the rows do not have: {missing}"
    kind = {"acltrace_mac_table": "mac", "acltrace_neighbors": "neighbor", "acltrace_arp": "arp"}.get(BUILDERS[name])
    if kind:
        assert ran == ["showtables"] and {r["kind"] for r in rows} == {kind}
    else:
        assert ran == ["mactrace"]
        assert ("00:0d:56:aa:1b:2c", "acc-sw2", "Ethernet7") in {
            (r["mac"], r["trace_switch"], r["trace_port"]) for r in rows}


def test_the_summary_search_reads_the_acl_events_of_the_sample():
    """The summary search's base finds the sample's ACL events; its stats is checked in test_summary_spl.py and
    computed in Python by findings.summary_rows (tests/triage)."""
    rows, _, ran, rest = run_pipeline(SAVED["acltrace - Summary rows"]["search"], None, {})
    assert rows and ran == []
    assert [step.split()[0] for step in rest] == ["where", "eval", "fillnull", "bin", "stats", "eval", "collect"]
