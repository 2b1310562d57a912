"""aclfindings through the real Search Command Protocol v2: findings from summary rows built as the
summary search's ``stats`` builds them (``acltrace.triage.findings.summary_rows``), the same as the
CLI's incidents on the same events, in any order and however chunked."""
import random
import sys

import pytest
import scp
from scp import assert_ok

from acltrace.logs.parser import parse_event
from acltrace.triage.classifier import Classifier
from acltrace.triage.findings import GROUP, STATS, summary_rows
from acltrace.triage.incidents import Incidents, incident_key


@pytest.fixture(scope="module")
def night(repo):
    """Two hours of bench/scenario.py's New Year's Eve night: (event, Splunk's _time) pairs."""
    sys.path.insert(0, str(repo / "bench"))
    try:
        import scenario
    finally:
        sys.path.remove(str(repo / "bench"))
    pairs = []
    for time, raw, _label, _cls in scenario.generate(seed=11, hours=2.0, scale=0.5):
        ev = parse_event(raw)
        if ev is not None:
            pairs.append((ev, time))
    return pairs


def cli_incidents(pairs):
    """The CLI's incidents of the events themselves (two-pass classifier, then incidents)."""
    classifier, incidents = Classifier(), Incidents()
    for ev, time in pairs:
        classifier.add(ev, time)
    for ev, time in pairs:
        incidents.add(ev, classifier.label(ev, time), time)
    return incidents.finish()


def as_records(rows):
    """Summary rows as splunkd sends them: every value text, dest_ip and dest_port multivalue."""
    return [{name: (value if isinstance(value, list) else str(value)) for name, value in row.items()}
            for row in rows]


def run(records, sizes=None, args=()):
    chunks = [records] if sizes is None else [records[at:at + sizes] for at in range(0, len(records), sizes)]
    result = scp.run_command("aclfindings", list(args), chunks)
    assert_ok(result)
    return result


def test_getinfo_aclfindings_is_a_reporting_command_that_names_what_it_reads():
    result = scp.run_command("aclfindings")
    assert_ok(result)
    assert result.getinfo["type"] == "reporting" and result.getinfo["run_in_preview"] is False
    assert set(result.getinfo["required_fields"]) == {"_time", *GROUP, *STATS, "finding_id", "label", "first_seen",
                                                      "last_seen"}


def test_findings_from_summary_rows_are_the_cli_incidents_of_the_same_events(night):
    rows = summary_rows(night)
    assert len(rows) < len(night)
    found = run(as_records(rows)).records
    want = cli_incidents(night)
    assert len(found) == len(want)
    got = sorted((r["label"], r["dvc"], r["src_interface"], r["src_mac"], r["src_ip"], int(r["events"]))
                 for r in found)
    assert got == sorted((r["label"], r["dvc"], r["src_interface"], r["src_mac"], r["src_ip"], r["events"])
                         for r in want)
    labels = {r["label"] for r in found}
    assert {"blaster_backscatter", "backscatter", "spoofed_source", "scan"} <= labels
    assert all(r["finding_id"] and r["bs_reason"] and r["explanation"] for r in found)
    assert len({r["finding_id"] for r in found}) == len(found)


def test_any_order_and_chunking_give_the_same_findings(night):
    records = as_records(summary_rows(night))
    want = sorted(tuple(sorted(r.items())) for r in run(records).records)
    shuffled = random.Random(3).sample(records, len(records))
    for got in (run(records[::-1], sizes=500).records, run(shuffled, sizes=97).records):
        assert sorted(tuple(sorted(r.items())) for r in got) == want


def test_rows_it_cannot_read_are_skipped_and_said_once(night):
    records = as_records(summary_rows(night[:400]))
    bad = [dict(records[0], events="many"), dict(records[1], first_time="", _time="later"), {"dvc": "r1"}]
    result = run(bad + records)
    assert result.records == run(records).records
    assert result.messages_at("WARN") == [
        "aclfindings skipped 3 row(s) whose counts or times it could not read"]


def test_a_bad_timeout_is_an_error():
    result = scp.run_command("aclfindings", ["timeout=0"])
    assert result.returncode == 1
    assert any("aclfindings: timeout" in text for level, text in result.messages if level == "ERROR")


def test_a_finding_the_window_slid_past_keeps_its_id(night):
    """The findings search reads since yesterday 00:00, so each midnight its window slides past the start
    of a finding that goes on. Given the stored findings (as the search appends them from the KV store),
    a finding that continues one keeps its id; its counts stay those of the window."""
    records = as_records(summary_rows(night))
    whole = run(records).records
    cut = sorted(float(r["_time"]) for r in records)[len(records) // 2]
    later = [r for r in records if float(r["_time"]) >= cut]
    alone = run(later).records
    stored = [{name: r[name] for name in ("finding_id", "label", "dvc", "src_interface", "src_mac", "src_ip",
                                          "first_seen", "last_seen")} for r in whole]
    carried = run(later + stored).records

    def place(r):
        return incident_key(r, r["label"])

    def continued(r):
        """The finding of the whole night this one continues."""
        return [w for w in whole if place(w) == place(r) and float(w["first_seen"]) <= float(r["last_seen"])
                and float(w["last_seen"]) >= float(r["first_seen"]) - 300]

    straddling = [r for r in alone if float(r["first_seen"]) < cut + 300 and continued(r)
                  and float(continued(r)[0]["first_seen"]) < cut - 300]
    assert straddling and all(r["finding_id"] != continued(r)[0]["finding_id"] for r in straddling)
    assert len(carried) == len(alone) and len({r["finding_id"] for r in carried}) == len(carried)
    for r in carried:
        assert r["finding_id"] == min(continued(r), key=lambda w: float(w["first_seen"]))["finding_id"]

    def without_id(rows):
        return sorted(tuple(sorted((k, v) for k, v in r.items() if k != "finding_id")) for r in rows)

    assert without_id(carried) == without_id(alone)
