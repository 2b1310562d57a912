"""backscatter and aclincidents through the real Search Command Protocol v2 (tests/support/scp.py plays splunkd).

The labels and incidents themselves are the core's business (test_backscatter.py, test_incidents.py);
here the commands must run where they must (getinfo), give the core's labels whichever way the
stream runs and however it is chunked, keep every event in order, validate their options, and
survive bad records. The events are the bundled sample, parsed by aclparse as in a search.
"""
import glob
import textwrap
from collections import Counter

import pytest
import scp
from offline import sample_events
from scp import assert_ok

SAMPLE = scp.REPO / "samples" / "ios_acl_sample.log"
LABEL_FIELDS = ("bs_label", "bs_reason", "bs_confidence")
PY39 = sorted(glob.glob("/root/.pyenv/versions/3.9.*/bin/python"))
PYTHONS = [None] + PY39[-1:]          # None: the interpreter running the tests





@pytest.fixture(scope="module")
def parsed():
    """The sample through aclparse, newest first (Splunk's order)."""
    result = scp.run_command("aclparse", [], [sample_events()[::-1]])
    assert_ok(result)
    return result.records


def chunked(records, *sizes):
    chunks, at = [], 0
    for size in sizes:
        chunks.append(records[at:at + size])
        at += size
    return chunks + [records[at:]]


def label(records, args=(), sizes=(25, 10), python=None):
    result = scp.run_command("backscatter", list(args), chunked(records, *sizes), python=python)
    assert_ok(result)
    return result


def by_raw(records):
    return {r["_raw"]: tuple(r[name] for name in LABEL_FIELDS) for r in records}


# -- getinfo and options ----------------------------------------------------------------------------

def test_getinfo_backscatter_is_a_stateful_streaming_command_on_the_search_head():
    result = scp.run_command("backscatter")
    assert_ok(result)
    assert result.getinfo["type"] == "stateful"          # SCP v2: streaming, not distributed
    assert "required_fields" not in result.getinfo


def test_getinfo_aclincidents_is_a_reporting_command_with_no_preop():
    result = scp.run_command("aclincidents")
    assert_ok(result)
    assert result.getinfo["type"] == "reporting"
    assert "streaming_preop" not in result.getinfo        # a preop would hand reduce no records


@pytest.mark.parametrize("command,option", [("backscatter", "window"), ("aclincidents", "timeout")])
@pytest.mark.parametrize("value", ["0", "-5", "1e-300", "0.0009", "86401", "abc", "nan", "inf"])
def test_a_bad_option_value_is_a_clear_error(command, option, value):
    result = scp.run_command(command, [f"{option}={value}"], [[{"_raw": "x", "_time": "1"}]])
    assert result.returncode != 0
    assert result.messages_at("ERROR") == [
        f"{command}: {option} must be a number of seconds from 0.001 to 86400, not '{value}'"]


@pytest.mark.parametrize("command,args", [("backscatter", ["window=86400"]), ("backscatter", ["window=0.5"]),
                                          ("aclincidents", ["timeout=900"])])
def test_good_option_values_are_taken(command, args, parsed):
    assert_ok(scp.run_command(command, args, [parsed[:5]]))


def test_an_unknown_option_is_an_error():
    result = scp.run_command("backscatter", ["windw=60"], [[{"_raw": "x"}]])
    assert result.returncode != 0 and result.messages_at("ERROR")


# -- labels -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "py39" if p else "current")
def test_blaster_lines_are_blaster_backscatter_and_the_scan_is_a_scan(parsed, python):
    result = label(parsed, python=python)
    out = result.records
    assert [r["_raw"] for r in out] == [r["_raw"] for r in parsed]          # every event, in order
    for chunk in result.chunks:
        if chunk.rows:
            assert set(LABEL_FIELDS) <= set(chunk.header)
    blaster = [r for r in out if r.get("src_ip") == "127.0.0.1" and r.get("src_port") == "80"]
    assert len(blaster) == 63
    for r in blaster:
        assert r["bs_label"] == "blaster_backscatter", r["_raw"]
        assert "127.0.0.1:80" in r["bs_reason"] and "not a scan" in r["bs_reason"]
        assert 0.9 <= float(r["bs_confidence"]) <= 1
    gw = [r for r in blaster if r["dvc"] == "gw-rtr1"]
    assert gw and all("10.20.0.0/16" in r["bs_reason"] for r in gw)
    scan = [r for r in out if r.get("src_ip") == "198.51.100.23"]
    assert len(scan) == 16
    assert {r["bs_label"] for r in scan} == {"scan"}
    assert all("vertical scan of 16 ports of 203.0.113.10" in r["bs_reason"] for r in scan)
    labels = Counter(r["bs_label"] for r in out)
    assert labels == {"blaster_backscatter": 63, "scan": 16, "none": len(out) - 79}


def test_events_without_acl_fields_are_labelled_none(parsed):
    out = label(parsed).records
    plain = [r for r in out if not r.get("src_ip")]
    assert plain and all(r["bs_label"] == "none" and r["bs_reason"] for r in plain)
    # events that never saw aclparse at all
    bare = label([{"_raw": "hello", "_time": "1795514400"}, {"_raw": "world", "_time": "1795514401"}]).records
    assert [r["bs_label"] for r in bare] == ["none", "none"]


def test_newest_first_and_oldest_first_give_the_same_labels(parsed):
    newest_first = label(parsed).records
    oldest_first = label(parsed[::-1], sizes=(7, 40)).records
    assert [r["_raw"] for r in oldest_first] == [r["_raw"] for r in parsed[::-1]]
    assert by_raw(newest_first) == by_raw(oldest_first)


@pytest.mark.parametrize("sizes", [(1,), (91,), (5, 5, 5, 5), (0, 50, 0)], ids=str)
def test_chunking_does_not_change_labels_or_order(parsed, sizes):
    whole = by_raw(label(parsed, sizes=()).records)
    out = label(parsed, sizes=sizes).records
    assert [r["_raw"] for r in out] == [r["_raw"] for r in parsed]
    assert by_raw(out) == whole


def test_a_small_window_is_used(parsed):
    """16 probes one second apart: a 2-second window sees too few ports for a vertical scan."""
    out = label(parsed, ["window=2"]).records
    assert {r["bs_label"] for r in out if r.get("src_ip") == "198.51.100.23"} == {"none"}
    assert {r["bs_label"] for r in out if r.get("src_port") == "80" and r.get("src_ip") == "127.0.0.1"} == \
        {"blaster_backscatter"}


def test_bad_records_pass_through(parsed):
    """A mangled record (bad _time, junk fields, a multivalue field) does not stop the search."""
    bad = [dict(parsed[0], _time="not a time"), dict(parsed[1], _time="inf"),
           dict(parsed[2], packets="lots", dest_port="http", src_ip=["127.0.0.1", "10.0.0.1"]),
           {"_raw": "no time at all"}]
    records = [{"_raw": "first, untimed"}] + bad + parsed[3:]
    result = label(records)
    out = result.records
    assert [r["_raw"] for r in out] == [r["_raw"] for r in records]
    assert all(r["bs_label"] in ("blaster_backscatter", "backscatter", "spoofed_source", "scan", "none")
               for r in out)
    assert out[1]["bs_label"] == "blaster_backscatter"          # one event decides it, time or not
    assert out[0]["bs_label"] == out[4]["bs_label"] == "none"


def test_an_empty_search_gives_an_empty_reply():
    result = scp.run_command("backscatter", [], [])
    assert_ok(result)
    assert result.records == []


# -- incidents --------------------------------------------------------------------------------------

def incidents(records, args=(), sizes=(30,), python=None):
    result = scp.run_command("aclincidents", list(args), chunked(records, *sizes), python=python)
    assert_ok(result)
    return result.records


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "py39" if p else "current")
def test_incident_rows_for_the_sample(parsed, python):
    rows = incidents(label(parsed).records, python=python)
    blaster = [r for r in rows if r["label"] == "blaster_backscatter" and r["dvc"] == "gw-rtr1"]
    assert len(blaster) == 4            # four bursts an hour apart (timeout 300 s)
    for r in blaster:
        assert (r["src_interface"], r["src_mac"], r["dest_net"]) == \
            ("FastEthernet0/1", "00:0d:56:aa:1b:2c", "10.20.0.0/16")
        assert int(r["events"]) == int(r["dest_count"]) == 12
        assert r["blaster_calendar"] == "true"
        assert "10.20.0.0/16" in r["explanation"] and "Not a port scan" in r["explanation"]
        assert "windowsupdate.com" in r["next_steps"]
        assert float(r["first_seen"]) <= float(r["last_seen"]) and r["_time"] == r["first_seen"]
    assert sorted(r["hours"] for r in blaster) == ["10", "11", "12", "13"]
    scans = [r for r in rows if r["label"] == "scan"]
    assert len(scans) == 1
    scan = scans[0]
    assert (scan["dvc"], scan["src_ip"], scan["events"], scan["dest_port_count"], scan["dest_count"]) == \
        ("gw-rtr1", "198.51.100.23", "16", "16", "1")
    others = {(r["dvc"], r["dest_net"]) for r in rows if r["label"] == "blaster_backscatter"} - {
        ("gw-rtr1", "10.20.0.0/16")}
    assert others == {("core-rtr2", "172.16.0.0/16"), ("branch-asa1", "10.30.0.0/16")}
    assert {r["label"] for r in rows} == {"blaster_backscatter", "scan"}


def test_incidents_are_the_same_whichever_way_and_however_chunked(parsed):
    def key(rows):
        return sorted((r["label"], r["dvc"], r["src_ip"], r["first_seen"], r["last_seen"], r["events"]) for r in rows)
    newest = incidents(label(parsed).records)
    oldest = incidents(label(parsed[::-1]).records, sizes=(1, 1, 50))
    assert key(newest) == key(oldest)


def test_a_long_timeout_joins_the_hourly_bursts(parsed):
    rows = incidents(label(parsed).records, ["timeout=7200"])
    gw = [r for r in rows if r["label"] == "blaster_backscatter" and r["dvc"] == "gw-rtr1"]
    assert len(gw) == 1 and gw[0]["events"] == "48"
    assert gw[0]["hours"] == "10\n11\n12\n13"           # multivalue, one value per line


def test_aclincidents_without_labels_warns(parsed):
    result = scp.run_command("aclincidents", [], [parsed])
    assert_ok(result)
    assert result.records == []
    assert any("run it after backscatter" in m for m in result.messages_at("WARN"))


def test_aclincidents_skips_bad_records_and_says_so(parsed):
    labelled = label(parsed).records
    bad = [dict(labelled[0], _time="junk"), dict(labelled[1], packets="many", dest_port=["1", "2"])]
    result = scp.run_command("aclincidents", [], [bad + labelled[2:]])
    assert_ok(result)
    assert any(r["label"] == "scan" for r in result.records)
    assert result.messages_at("WARN") == [
        "aclincidents skipped 1 labelled event(s) without a readable _time or that it could not read"]


def test_a_record_the_classifier_fails_on_passes_through_unlabelled(tmp_path, parsed):
    """With a core that raises on one record (a real one never does here): the failing record keeps
    its place, unlabelled; the others are labelled; one warning at the end."""
    poison = parsed[40]["_raw"]
    wrapper = tmp_path / "backscatter_patched.py"
    wrapper.write_text(textwrap.dedent(f"""\
        import itertools, runpy, sys
        sys.path.insert(0, {str(scp.BIN)!r})
        from acltrace.triage.classifier import Classifier
        real = Classifier.add
        calls = itertools.count()

        def add(self, event, time):
            if next(calls) == 40:                      # the 41st record: parsed[40]
                raise RuntimeError("core bug")
            return real(self, event, time)

        Classifier.add = add
        runpy.run_path({str(scp.BIN / "backscatter.py")!r}, run_name="__main__")
        """))
    result = scp.run_command(wrapper, [], [parsed[:45], parsed[45:]])
    assert_ok(result)
    out = result.records
    assert [r["_raw"] for r in out] == [r["_raw"] for r in parsed]
    failed = [r for r in out if r["_raw"] == poison]
    assert failed[0]["bs_label"] == ""
    assert all(r["bs_label"] for r in out if r["_raw"] != poison)
    message = ("WARN", "backscatter could not label 1 record(s); they were passed through without bs_ fields")
    assert result.messages == [message]
    assert result.chunks[-1].messages == [message]


# -- the fast record path: records kept as CSV text -------------------------------------------------

def test_columns_that_change_between_chunks_stay_with_their_records(parsed):
    """Held records leave in later chunks than they came, under a header of every column seen so
    far: each keeps its own values, a column it lacks is empty, and every chunk names its columns."""
    records = [dict(r, only_first="x") for r in parsed[:30]]
    records += [{"zz": str(n), **{k: v for k, v in r.items() if k != "host"}} for n, r in enumerate(parsed[30:60])]
    records += parsed[60:]
    result = label(records, sizes=(30, 30))
    want = by_raw(label(parsed, sizes=()).records)
    out = result.records
    assert [r["_raw"] for r in out] == [r["_raw"] for r in records]
    assert by_raw(out) == want
    for got, sent in zip(out, records):
        assert {k: v for k, v in got.items() if v and k not in LABEL_FIELDS} == \
            {k: v for k, v in sent.items() if v}
    for chunk in result.chunks:
        assert all(set(LABEL_FIELDS) <= set(chunk.header) for _ in chunk.rows)
        assert len(chunk.header) == len(set(chunk.header))


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "current" if p is None else "py39")
def test_bodies_the_scanner_does_not_read_give_the_same_labels(parsed, python):
    """A quoted header name, a ragged record, a NUL and labels already there: csv.reader's path."""
    want = by_raw(label(parsed, sizes=()).records)
    body = scp.records_to_csv([dict(r, bs_label="old") for r in parsed])
    head, rest = body.split("\n", 1)
    odd = f'{head},"quoted name"\n' + rest.replace("\n", ",q\n", 3)
    odd = odd.replace("list", "li\0st", 1)
    result = scp.run_command("backscatter", [], [odd], python=python)
    assert_ok(result)
    out = result.records
    assert len(out) == len(parsed)
    assert by_raw([dict(r, _raw=r["_raw"].replace("\0", "")) for r in out]) == want
    assert result.chunks[-1].header.count("bs_label") == 1


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "current" if p is None else "py39")
def test_bodies_quoted_as_splunkd_quotes_them_give_the_same_records(parsed, python):
    """splunkd quotes the names that start with "_" and every value: the scanner reads the quoted cells
    (a quote or a line break inside one too), to the same records and labels as the plain body."""
    records = [dict(r, note='say "hi"' if i % 7 else "", dvc=r.get("dvc", "") + ("" if i % 5 else ' "x"'))
               for i, r in enumerate(parsed)]
    records[3]["src_ip"] = [records[3].get("src_ip") or "10.9.9.9", "10.0.0.1"]     # multivalue: its first
    plain = scp.records_to_csv(records)
    quoted = scp.quote_as_splunkd(plain)
    assert quoted.startswith('"_raw","_time"')
    want = scp.run_command("backscatter", [], [plain], python=python)
    got = scp.run_command("backscatter", [], [quoted], python=python)
    assert_ok(got)
    assert got.records == want.records
    assert Counter(r["bs_label"] for r in got.records)["blaster_backscatter"] == 63
