"""The SPL of labelling at Splunk scale (issue 15), read statically: summary rows, findings, alerts, dashboards.

The summary search counts ACL events with ``stats`` on the indexers into rows that aclfindings reads
(``acltrace.triage.findings``: ``GROUP``, ``STATS``, ``port_class``); "acltrace - Findings" labels them
into the KV store collection ``acltrace_findings``; the alerts and dashboards read the collection and the
summary index. No Splunk runs here: the tests parse the SPL (macros expanded) and compare its names with
the Python contract; the port class macro is emulated in Python over every port. The rows' numbers are
checked by the tests of aclfindings (``summary_rows``, which computes what the stats computes).
"""
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import REPO
from splunkconf import expand_macros, read_conf, split_pipes, stats_clause

from acltrace.triage import findings
from acltrace.triage.aggregates import DISTINCT_CAP
from acltrace.triage.signatures import HIGH_SERVICE_PORTS

DEFAULT = REPO / "default"


def _conf(name):
    return {stanza: s for stanza, s in read_conf(DEFAULT / name).items() if stanza != "default"}


MACROS = _conf("macros.conf")
SAVED = _conf("savedsearches.conf")
COMMANDS = set(_conf("commands.conf"))
COLLECTIONS = _conf("collections.conf")
TRANSFORMS = _conf("transforms.conf")
VIEWS = DEFAULT / "data" / "ui" / "views"
# Splunk's own commands these searches use (a typo is neither ours nor these).
SPLUNK_COMMANDS = {"search", "where", "eval", "table", "fields", "stats", "tstats", "timechart", "chart", "sort",
                   "bin", "fillnull", "rename", "dedup", "head", "lookup", "inputlookup", "outputlookup", "collect",
                   "addinfo", "top", "append"}

BY = ("_time",) + findings.GROUP                  # the summary row's group, in the order of the by-clause
STATS = {"events": ("count", ""), "packets": ("sum", "packets"), "dest_ip": ("values", "dest_ip"),
         "dest_count": ("dc", "dest_ip"), "dest_port": ("values", "dest_port")}
FINDING_FIELDS = ("finding_id", "label", "dvc", "src_interface", "src_mac", "src_ip", "events", "packets",
                  "dest_count", "dest_port_count", "dest_net", "first_seen", "last_seen", "explanation",
                  "next_steps", "bs_reason", "trace_verdict", "trace_switch", "trace_port", "updated")
NUMBERS = {"events", "packets", "dest_count", "dest_port_count", "first_seen", "last_seen", "updated"}
SUMMARY, FINDINGS, EXPIRE = "acltrace - Summary rows", "acltrace - Findings", "acltrace - Expire findings"
ALERTS = {name for name, s in SAVED.items() if s.get("alert.track") == "1"}


def expand(spl):
    return expand_macros(spl, MACROS)


def steps(spl):
    """The commands of ``spl`` (macros expanded)."""
    return split_pipes(expand(spl).strip())


def only(commands, name):
    found = [c for c in commands if c.split(" ", 1)[0] == name]
    assert len(found) == 1, (name, commands)
    return found[0]


def names(step):
    return step.split(" ", 1)[0]


# ---------------------------------------------------------------- the summary row

def test_the_row_contract_is_the_one_aclfindings_reads():
    assert set(STATS) | {"first_time", "last_time"} == set(findings.STATS)
    assert findings.BUCKET == 300.0 and DISTINCT_CAP == 64


def check_rows(commands):
    """The stats of a summary-row pipeline and what follows it: the row contract."""
    stats = [c for c in commands if names(c) == "stats"][-1]
    aggs, by = stats_clause(stats)
    assert tuple(by) == BY, stats
    outputs = {alias: (fn, arg) for fn, arg, alias in aggs}
    assert set(outputs) == set(findings.STATS), stats
    after = " ".join(commands[commands.index(stats) + 1:])
    assert f"dest_ip=mvindex(dest_ip, 0, {DISTINCT_CAP - 1})" in after          # the smallest 64: values() sorts
    assert f"dest_port=mvindex(dest_port, 0, {DISTINCT_CAP - 1})" in after
    return outputs


def test_the_summary_rows_macro_computes_the_contract_with_stats():
    commands = steps("`acltrace_summary_rows`")
    outputs = check_rows(commands)
    for name, (fn, arg) in STATS.items():
        assert outputs[name] == (fn, arg), name
    # first_time/last_time are the events' own times: a copy of _time taken before bin rounds it
    assert outputs["first_time"] == ("min", "acltrace_event_time")
    assert outputs["last_time"] == ("max", "acltrace_event_time")
    evals = " ".join(c for c in commands if names(c) == "eval")
    binned = next(i for i, c in enumerate(commands) if names(c) == "bin")
    assert commands[binned] == "bin _time span=5m"
    assert "acltrace_event_time=_time" in " ".join(commands[:binned])
    assert "dvc=coalesce(dvc, host)" in evals and "packets=coalesce(packets, 1)" in evals
    assert "acltrace_sport=" + expand("`acltrace_port_class(src_port)`") in evals
    assert "acltrace_dport=" + expand("`acltrace_port_class(dest_port)`") in evals
    # stats drops a row whose by-field is null: every group field is made non-null before it
    fill = only(commands, "fillnull")
    assert fill.startswith('fillnull value="" ')
    filled = set(fill.split()[2:])
    assert filled | {"_time", "acltrace_sport", "acltrace_dport"} == set(BY)
    assert commands.index(fill) < commands.index(commands[binned]) < commands.index(
        [c for c in commands if names(c) == "stats"][-1])
    # findings.summary_rows leaves out events without a source address, so does the macro
    assert commands[0] == 'where isnotnull(src_ip) AND src_ip!=""'


def test_the_tstats_variant_gives_the_same_row_fields():
    commands = steps("`acltrace_summary_source_tstats`")
    tstats = commands[1]
    assert commands[0] == "" and tstats.startswith("tstats summariesonly=true ")
    assert " from datamodel=Network_Traffic.All_Traffic by _time span=5m " in tstats
    _, by = stats_clause(tstats)
    renames = dict(re.findall(r"(\S+) AS (\S+)", only(commands, "rename")))
    for field in by[1:]:                            # every data model field is renamed to its row name
        assert field.startswith("All_Traffic.") and renames[field] == field[len("All_Traffic."):], field
    assert {renames[f] for f in by[1:]} == set(BY) - {"_time", "acltrace_sport", "acltrace_dport", "reason"} | {
        "src_port", "dest_port"}
    evals = " ".join(c for c in commands if names(c) == "eval")
    assert "acltrace_sport=" + expand("`acltrace_port_class(src_port)`") in evals
    assert 'reason=""' in evals                     # Network_Traffic has no reason: one value, the same rows
    outputs = check_rows(commands)
    assert outputs["events"] == ("sum", "events") and outputs["dest_count"] == ("dc", "dest_ip")


def test_the_summary_source_is_the_raw_path_by_default():
    assert MACROS["acltrace_summary_source"]["definition"] == "`acltrace_summary_events` | `acltrace_summary_rows`"
    base = steps("`acltrace_summary_events`")[0]
    assert base.startswith(" ".join(expand("`acltrace_acl_events`").split()))
    assert base.endswith("eventtype=acltrace_acl_event")
    # the aclparse option for other sourcetypes is documented in the macro
    assert "aclparse" in MACROS["acltrace_summary_events"]["description"]


# ---------------------------------------------------------------- the port class

def port_class_emulated():
    """The macro acltrace_port_class as a Python function: its case() branches, read from its definition."""
    definition = expand("`acltrace_port_class(p)`")
    m = re.fullmatch(
        r'case\(isnull\(tonumber\(p\)\), "", \(tonumber\(p\) >= 1 AND tonumber\(p\) <= 1023\) OR '
        r'match\(tostring\(tonumber\(p\)\), "([^"]+)"\), tostring\(tonumber\(p\)\), '
        r'tonumber\(p\) >= (\d+) AND tonumber\(p\) <= (\d+), "(\w+)", true\(\), "(\w+)"\)', definition)
    assert m, definition
    pattern, low, high, blaster, other = m.groups()
    service = re.compile(pattern)

    def port_class(port):
        try:
            number = int(port)
        except (TypeError, ValueError):
            return ""
        if 1 <= number <= 1023 or service.search(str(number)):
            return str(number)
        return blaster if int(low) <= number <= int(high) else other
    return port_class


def test_the_port_class_lists_the_high_service_ports():
    definition = MACROS["acltrace_port_class(1)"]["definition"]
    listed = re.search(r'"\^\(([\d|]+)\)\$"', definition).group(1)
    assert {int(p) for p in listed.split("|")} == set(HIGH_SERVICE_PORTS)
    assert MACROS["acltrace_port_class(1)"]["args"] == "port"


def test_the_port_class_macro_is_the_class_aclfindings_reads():
    emulated = port_class_emulated()
    for port in [str(p) for p in range(0, 70000)] + [None, "", "x", "-1", "080"]:
        assert emulated(port) == findings.port_class(port), port


# ---------------------------------------------------------------- where the rows go

def test_the_summary_index_is_named_in_one_place():
    name = MACROS["acltrace_summary_index_name"]["definition"]
    assert name == "summary"
    assert expand("`acltrace_summary_index`") == f'index={name} source="acltrace - Summary rows"'
    collect = expand("`acltrace_summary_collect`")
    assert collect.startswith(f'collect index={name} source="acltrace - Summary rows"')
    for where, spl in [(n, s["search"]) for n, s in SAVED.items()] + [
            (n, m["definition"]) for n, m in MACROS.items() if n != "acltrace_summary_index_name"]:
        assert not re.search(r"\bindex=summary\b", spl), f"{where} names the summary index itself"


def test_the_summary_search_runs_every_five_minutes_on_a_closed_bucket():
    saved = SAVED[SUMMARY]
    assert saved["search"] == "`acltrace_summary_source` | `acltrace_summary_collect`"
    commands = steps(saved["search"])
    assert names(commands[-1]) == "collect"
    check_rows(commands)
    assert saved["cron_schedule"] == "*/5 * * * *"
    # one whole bucket, 5 minutes after it closed (late events have that long to arrive)
    assert (saved["dispatch.earliest_time"], saved["dispatch.latest_time"]) == ("-10m@m", "-5m@m")
    assert saved["realtime_schedule"] == "0"                  # continuous: a busy scheduler never skips a bucket
    assert 0 < int(saved["schedule_window"]) < 5
    assert int(saved["dispatch.max_time"]) < 300 and int(saved["dispatch.ttl"]) >= 300
    assert saved["enableSched"] == "1" and saved["disabled"] == "1"
    assert "action.summary_index" not in saved                # collect writes, once


# ---------------------------------------------------------------- the findings

def test_the_findings_collection_and_its_lookup():
    collection = COLLECTIONS["acltrace_findings"]
    assert collection["replicate"] == "true"
    typed = {k[len("field."):]: v for k, v in collection.items() if k.startswith("field.")}
    assert set(typed) == set(FINDING_FIELDS)
    assert {f for f, t in typed.items() if t == "number"} == NUMBERS
    assert all(t == "string" for f, t in typed.items() if f not in NUMBERS)
    lookup = TRANSFORMS["acltrace_findings"]
    assert lookup["external_type"] == "kvstore" and lookup["collection"] == "acltrace_findings"
    assert [f.strip() for f in lookup["fields_list"].split(",")] == ["_key", *FINDING_FIELDS]
    assert expand("`acltrace_findings_fields`") == "table " + " ".join(FINDING_FIELDS)


def test_the_findings_search_labels_the_rows_and_updates_findings_in_place():
    saved = SAVED[FINDINGS]
    commands = steps(saved["search"])
    # from a fixed point, yesterday 00:00: the window slides once a day, not at every run as with -24h
    assert commands[0] == "search " + expand("`acltrace_summary_index`") + " earliest=-1d@d latest=now"
    assert saved["dispatch.earliest_time"] == "-1d@d"
    assert [names(c) for c in commands] == ["search", "append", "aclfindings", "mactrace", "lookup", "eval",
                                            "table", "outputlookup"]
    # the findings stored since the day before yesterday, so that one the window slid past keeps its id
    stored = split_pipes(commands[1][len("append ["):-1].strip().lstrip("| "))
    assert stored[0] == "inputlookup acltrace_findings"
    assert stored[1] == 'where tonumber(last_seen) >= relative_time(now(), "-2d@d")'
    assert stored[2] == "fields finding_id label dvc src_interface src_mac src_ip first_seen last_seen"
    assert set(stored[2].split()[1:]) <= set(FINDING_FIELDS)
    # the stored row of the same finding: its first_seen, last_seen and updated
    assert commands[4] == ("lookup acltrace_findings finding_id OUTPUT first_seen AS stored_first "
                           "last_seen AS stored_last updated AS stored_updated")
    # first_seen stays the finding's own start; updated moves to now only for a new finding or one with
    # events after its stored last_seen
    assert commands[5] == ("eval first_seen=min(tonumber(first_seen), tonumber(coalesce(stored_first, first_seen))), "
                           "updated=if(isnull(stored_last) OR tonumber(last_seen) > tonumber(stored_last), now(), "
                           "stored_updated)")
    assert commands[6] == "table " + " ".join(FINDING_FIELDS)
    # keyed on finding_id: a finding is updated, not duplicated
    assert commands[7] == "outputlookup acltrace_findings key_field=finding_id append=true"
    assert saved["cron_schedule"] == "3-59/15 * * * *"        # every 15 minutes, after a summary run
    assert saved["enableSched"] == "1" and saved["disabled"] == "1"


def test_old_findings_expire_without_touching_the_others():
    saved = SAVED[EXPIRE]
    commands = steps(saved["search"])
    assert commands[1] == "inputlookup acltrace_findings"
    assert commands[2].startswith("where last_seen >= now() - 86400 * ")
    assert int(MACROS["acltrace_findings_max_age_days"]["definition"]) >= 30
    assert commands[-1] == "outputlookup acltrace_findings"   # rewritten whole, _key kept (fields_list)
    minute = int(saved["cron_schedule"].split()[0])
    assert minute % 15 not in (3, 4, 5, 6, 7, 8)               # not while "acltrace - Findings" writes


# ---------------------------------------------------------------- alerts and the report

def test_there_are_the_alerts_of_before_and_they_read_the_findings():
    assert ALERTS == {"acltrace - Blaster backscatter sources", "acltrace - Port scans (backscatter excluded)"}
    for name in ALERTS:
        commands = steps(SAVED[name]["search"])
        assert commands[1].startswith("inputlookup acltrace_findings where label=")
        assert commands[2].startswith("where updated >= relative_time(now(), ")


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_each_alert_fires_once_per_new_or_grown_finding_throttled_per_finding(name):
    alert = SAVED[name]
    commands = steps(alert["search"])
    window = re.search(r'relative_time\(now\(\), "-(\d+)m"\)', commands[2]).group(1)
    period = int(alert["cron_schedule"].split()[0].split("/")[1])
    assert int(window) > period                                # overlapping windows: no finding missed ...
    assert alert["alert.suppress"] == "1" and alert["alert.suppress.fields"] == "finding_id"   # ... nor told twice
    assert int(alert["alert.suppress.period"].rstrip("h")) * 60 > int(window)
    assert alert["alert.digest_mode"] == "0"
    assert names(commands[-1]) == "table" and "finding_id" in commands[-1].split()
    assert alert["action.email"] == "0" and alert["action.webhook"] == "0"
    assert 0 < int(alert["schedule_window"]) < period


def test_no_scheduled_search_labels_raw_events():
    for name, saved in SAVED.items():
        spl = " ".join(steps(saved["search"]))
        assert "backscatter" not in [names(c) for c in steps(saved["search"])], name
        assert "aclincidents" not in spl, name
    report = steps(SAVED["acltrace - Backscatter summary"]["search"])
    assert report[1] == "inputlookup acltrace_findings"
    assert names(report[2]) == "addinfo"                       # acltrace_findings_in_range: yesterday's findings


def all_spl():
    """(where, SPL) of every saved search and pipeline macro (the views' commands: test_views.py)."""
    found = [(f"saved search {n}", s["search"]) for n, s in SAVED.items()]
    found += [(f"macro {n}", m["definition"]) for n, m in MACROS.items()
              if not n.startswith("acltrace_port_class") and "|" in m["definition"]]
    return found


@pytest.mark.parametrize("where,spl", all_spl(), ids=[w for w, _ in all_spl()])
def test_every_command_is_ours_or_splunks(where, spl):
    spl = re.sub(r"\$[^$\s]+\$", "TOKEN", spl)
    commands = steps(spl)
    for command in commands[1:] + ([commands[0]] if names(commands[0]) in SPLUNK_COMMANDS | COMMANDS else []):
        name = names(command)
        if not name:
            continue
        assert name in COMMANDS | SPLUNK_COMMANDS, f"{where}: {name} is neither in commands.conf nor Splunk's"


# ---------------------------------------------------------------- dashboards

COUNTING = ("stats", "timechart", "chart", "top")


def view_searches(path):
    """(query of the search, the query of its base search or None) for every search of a view."""
    root = ET.parse(path).getroot()
    by_id = {s.get("id"): s.findtext("query") or "" for s in root.iter("search") if s.get("id")}
    return [(s.findtext("query") or "", by_id.get(s.get("base")), s) for s in root.iter("search")]


@pytest.mark.parametrize("view", ["acltrace_triage", "acltrace_overview", "acltrace_mac_trace"])
def test_every_panel_that_counts_reads_the_summary_index_or_the_findings(view):
    for query, base, _ in view_searches(VIEWS / f"{view}.xml"):
        source = " ".join((base or query).split())
        chain = steps(re.sub(r"\$[^$\s]+\$", '"TOKEN"', (base + " | " + query) if base else query))
        if not any(names(c) in COUNTING for c in chain):
            continue
        assert source.startswith("`acltrace_summary_index`") or source.startswith(
            "| inputlookup acltrace_findings") or "acltrace_device_tables" in source or source.startswith(
            "| inputlookup acltrace_") and "mactrace" in source, (view, query)
        assert "backscatter" not in [names(c) for c in chain], (view, query)


def test_only_the_finding_drilldown_labels_raw_events_and_only_that_findings_events():
    labelling = []
    for path in sorted(VIEWS.glob("*.xml")):
        for query, _, search in view_searches(path):
            if "backscatter" in [names(c) for c in steps(re.sub(r"\$[^$\s]+\$", '"TOKEN"', query))]:
                labelling.append((path.stem, query, search))
    assert len(labelling) == 1, [(v, q) for v, q, _ in labelling]
    view, query, search = labelling[0]
    assert view == "acltrace_triage"
    commands = steps(re.sub(r"\$[^$\s]+\$", '"TOKEN"', query))
    assert commands[0] == " ".join(expand("`acltrace_acl_events`").split())
    assert [names(c) for c in commands[1:]] == ["aclparse", "eval", "where", "where", "backscatter", "table"]
    # restricted to the finding before backscatter: its device, interface and MAC (or source), each token
    # quoted, and its own first to last second
    before = query[:query.index("| backscatter")]
    for token in ("sel_dvc", "sel_interface", "sel_mac", "sel_src_ip", "sel_label"):
        assert f"${token}|s$" in before, token
    assert (search.findtext("earliest"), search.findtext("latest")) == ("$sel_earliest$", "$sel_latest$")


# ---------------------------------------------------------------- the admin guide

def test_the_admin_guide_explains_summaries_and_findings():
    guide = (REPO / "docs" / "admin.md").read_text(encoding="utf-8")
    assert "## Summaries and findings" in guide
    section = guide[guide.index("## Summaries and findings"):]
    section = section[:section.index("\n## ", 4)]
    for name in (SUMMARY, FINDINGS, EXPIRE, "acltrace_summary_index_name", "acltrace_summary_source",
                 "acltrace_summary_source_tstats", "acltrace_summary_events", "fill_summary_index.py",
                 "aclparse | backscatter | aclincidents", "not run on a real Splunk"):
        assert name in section, name
