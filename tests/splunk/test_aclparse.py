"""aclparse through the real Search Command Protocol v2 (tests/support/scp.py plays splunkd).

The fields themselves are the core's business (its own tests); here the command must give
exactly what ``acltrace.logs.parser.parse_event`` gives, keep every other event as it came, in
order, and survive bad records.
"""
import glob
import json
import textwrap

import pytest
import scp

from acltrace.logs.fields import FIELDS
from acltrace.logs.parser import parse_event

IOS_DENY = ("Feb  8 04:00:48 r1 585917: Feb  8 04:00:47.272: %SEC-6-IPACCESSLOGP: list 101 "
            "denied tcp 10.1.1.1(1234) (GigabitEthernet0/1 000b.bf55.4c70) -> 10.2.2.2(80), "
            "1 packet")
IOS_PERMIT = ("Mar  1 10:00:00 r2 12: %SEC-6-IPACCESSLOGP: list EDGE-IN permitted udp "
              "192.0.2.7(53) -> 198.51.100.9(40000), 5 packets")
NOT_ACL = "Mar  1 10:00:01 r2 13: %LINEPROTO-5-UPDOWN: Line protocol on Interface Gi0/2, changed state to up"

PY39 = sorted(glob.glob("/root/.pyenv/versions/3.9.*/bin/python"))
PYTHONS = [None] + PY39[-1:]          # None: the interpreter running the tests


def expected_fields(raw, host=""):
    """Every FIELDS column as aclparse must write it for ``raw`` (of an event from ``host``): the core's
    value or empty; dvc is the host where the message names no device."""
    event = parse_event(raw) or {}
    if event and host:
        event.setdefault("dvc", host)
    return {name: event.get(name, "") for name in FIELDS}


def ours(row):
    return {name: row.get(name, "") for name in FIELDS}


def acl_lines(corpus):
    return [json.loads(line) for line in (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8")]


def assert_ok(result):
    assert result.returncode == 0, result.stderr
    assert not result.messages_at("ERROR"), result.messages
    assert "Traceback" not in result.stderr


# -- getinfo --------------------------------------------------------------------------------------

def test_getinfo_declares_a_distributable_streaming_command():
    result = scp.run_command("aclparse")
    assert_ok(result)
    # SCP v2: "streaming" is the distributable kind ("stateful" would pin it to the search head)
    assert result.getinfo["type"] == "streaming"
    assert result.getinfo.get("distributed", True) is True
    assert "required_fields" not in result.getinfo     # it needs every field passed on


# -- the peer corpus ------------------------------------------------------------------------------

@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "py39" if p else "current")
def test_every_peer_line_comes_back_with_the_cores_fields(corpus, python):
    cases = acl_lines(corpus)
    records = [{"_raw": c["line"], "_time": str(1700000000 + i), "host": "r1",
                "sourcetype": "cisco:ios", "index": "network"} for i, c in enumerate(cases)]
    chunks = [records[:1], records[1:100], records[100:]]        # three sizes, 1 first
    result = scp.run_command("aclparse", [], chunks, python=python)
    assert_ok(result)
    assert [len(c.rows) for c in result.chunks] == [1, 99, len(records) - 100]
    out = result.records
    assert [r["_raw"] for r in out] == [c["line"] for c in cases]          # all, in order
    parsed = 0
    for case, record, row in zip(cases, records, out):
        want = expected_fields(case["line"], record["host"])
        assert ours(row) == want, case["line"]
        if parse_event(case["line"]) is None:
            # not an ACL event: every column it came with, unchanged; ours empty
            assert {k: row[k] for k in record} == record
            assert not any(want.values())
        else:
            parsed += 1
            assert any(want.values()), case["line"]
    assert parsed > 0


def test_every_chunk_carries_all_our_columns_even_when_it_starts_with_a_non_acl_event():
    chunks = [[{"_raw": NOT_ACL}, {"_raw": IOS_DENY}, {"_raw": IOS_PERMIT}],
              [{"_raw": NOT_ACL}], [{"_raw": IOS_PERMIT}, {"_raw": NOT_ACL}]]
    result = scp.run_command("aclparse", [], chunks)
    assert_ok(result)
    for chunk in result.chunks:
        assert set(FIELDS) <= set(chunk.header)
    deny, permit = result.records[1], result.records[2]
    assert ours(deny) == expected_fields(IOS_DENY)
    assert (deny["action"], deny["rule"], deny["src_ip"], deny["dest_port"]) == \
        ("blocked", "101", "10.1.1.1", "80")
    assert (permit["action"], permit["rule"], permit["packets"]) == ("allowed", "EDGE-IN", "5")
    assert result.records[4]["src_ip"] == "198.51.100.9" or \
        ours(result.records[4]) == expected_fields(IOS_PERMIT)


def test_chunks_of_different_sizes_keep_count_and_order():
    lines = [IOS_DENY, NOT_ACL, IOS_PERMIT]
    sizes = [1, 7, 0, 2500, 3]
    chunks, n = [], 0
    for size in sizes:
        chunks.append([{"_raw": lines[(n + i) % 3], "seq_no": str(n + i)} for i in range(size)])
        n += size
    result = scp.run_command("aclparse", [], chunks)
    assert_ok(result)
    assert len(result.chunks) == len(sizes)                 # one reply per chunk
    assert [len(c.rows) for c in result.chunks] == sizes
    assert [r["seq_no"] for r in result.records] == [str(i) for i in range(n)]
    assert result.chunks[-1].metadata.get("finished") is True
    for row in result.records:
        assert ours(row) == expected_fields(row["_raw"])


# -- bad records ----------------------------------------------------------------------------------

@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "py39" if p else "current")
def test_bad_records_pass_through_and_the_rest_is_processed(python):
    junk = "\x00\x01\x02\ufffd\ufffd%SEC-6-IPACCESSLOGP\x00 list \x7f\x1b[0m \ufffd"
    huge = "x" * (1 << 20) + " " + IOS_DENY                 # 1 MiB of noise, an ACL line at the end
    multiline = IOS_DENY + "\nsecond line\r\nthird, \"quoted\" line"
    records = [{"_raw": IOS_DENY, "n": "0"}, {"_raw": "", "n": "1"}, {"_raw": junk, "n": "2"},
               {"_raw": IOS_PERMIT, "n": "3"}, {"_raw": huge, "n": "4"},
               {"_raw": multiline, "n": "5"}, {"n": "6"}, {"_raw": NOT_ACL, "n": "7"},
               {"_raw": IOS_PERMIT, "n": "8"}]
    result = scp.run_command("aclparse", [], [records[:4], records[4:]], python=python)
    assert_ok(result)
    out = result.records
    assert [r["n"] for r in out] == [str(i) for i in range(9)]
    for record, row in zip(records, out):
        assert row.get("_raw", "") == record.get("_raw", "")        # all came back, unchanged
        assert ours(row) == expected_fields(record.get("_raw", "")), record["n"]
    assert out[0]["action"] == "blocked" and out[8]["action"] == "allowed"


def test_invalid_utf8_bytes_are_read_as_replacement_characters():
    good = scp.records_to_csv([{"_raw": IOS_DENY}]).encode()
    body = (b"_raw,__mv__raw\n\"\xff\xfe bad \xc3(\",\n" + good.split(b"\n", 1)[1]
            + b"\"" + NOT_ACL.encode() + b"\",\n")
    result = scp.run_command("aclparse", [], [body])
    assert_ok(result)
    raws = [r["_raw"] for r in result.records]
    assert raws == ["\ufffd\ufffd bad \ufffd(", IOS_DENY, NOT_ACL]
    assert ours(result.records[1]) == expected_fields(IOS_DENY)


def test_crlf_line_ends_and_multi_line_records_are_read_exactly():
    body = ('_raw,host\r\n"' + IOS_DENY + '",a\r\n"one\r\ntwo, ""three""",b\r\n'
            + '"' + NOT_ACL + '",c\r\n"' + IOS_PERMIT + '\nsecond line",d\r\n')
    result = scp.run_command("aclparse", [], [body])
    assert_ok(result)
    raws = [r["_raw"] for r in result.records]
    assert raws == [IOS_DENY, 'one\r\ntwo, "three"', NOT_ACL, IOS_PERMIT + "\nsecond line"]
    assert [r["host"] for r in result.records] == ["a", "b", "c", "d"]
    for row in result.records:
        assert ours(row) == expected_fields(row["_raw"])


def test_ragged_records_and_quoted_header_names_are_read_as_csv_reader_reads_them():
    """Bodies the record regex does not read whole take the csv.reader path: same result."""
    ragged = f'_raw,host\n"{IOS_DENY}",a\n{NOT_ACL.replace(",", "")},b,extra\n"{IOS_PERMIT}"\n'
    quoted = f'_raw,"h""ost"\n"{IOS_DENY}",a\n"{NOT_ACL}",b\n'
    result = scp.run_command("aclparse", [], [ragged, quoted])
    assert_ok(result)
    first, second = result.chunks
    assert [(r["host"], r["action"]) for r in first.rows] == \
        [("a", "blocked"), ("b", ""), ("", "allowed")]              # cut and padded
    assert "extra" not in first.body.decode()
    assert second.header[:2] == ["_raw", 'h"ost']
    assert [r['h"ost'] for r in second.rows] == ["a", "b"]
    for row in result.records:
        assert ours(row) == expected_fields(row["_raw"])


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "py39" if p else "current")
def test_bodies_quoted_as_splunkd_quotes_them_give_the_same_records(corpus, python):
    """splunkd quotes the names that start with "_" and every value (the 8.0.3 recording): the
    scanner reads such a body, to the same effect as a minimally quoted one."""
    cases = acl_lines(corpus)
    records = [{"_raw": c["line"], "_time": str(1700000000 + i), "host": "r1", "eventtype": ["a", "b"] if i % 3 else "",
                "src_ip": "0.0.0.0" if i % 2 else ""} for i, c in enumerate(cases)]
    plain = [scp.records_to_csv(records), scp.records_to_csv(records[:5])]
    quoted = [scp.quote_as_splunkd(body) for body in plain]
    assert quoted[0].startswith('"_raw","_time",host,eventtype,src_ip,"__mv__raw"')
    want = scp.run_command("aclparse", [], plain, python=python)
    got = scp.run_command("aclparse", [], quoted, python=python)
    assert_ok(got)
    assert got.records == want.records and len(got.records) == len(cases) + 5
    assert [c.header for c in got.chunks] == [c.header for c in want.chunks]


def test_a_chunk_without_the_field_passes_through_with_one_warning():
    no_raw = [{"message": IOS_DENY, "host": "a"}, {"message": NOT_ACL, "host": "b"}]
    chunks = [no_raw, [{"_raw": IOS_DENY}], no_raw, no_raw]
    result = scp.run_command("aclparse", [], chunks)
    assert_ok(result)
    warnings = result.messages_at("WARN")
    assert warnings == ["no field _raw in the events; aclparse added nothing"]
    for i in (0, 2, 3):
        assert result.chunks[i].rows == [dict(r, __mv_message="", __mv_host="") for r in no_raw]
    assert ours(result.chunks[1].rows[0]) == expected_fields(IOS_DENY)


def with_core_replaced(tmp_path, parse_source):
    """A script that runs the real bin/aclparse.py with ``parse_event`` replaced by the function
    in ``parse_source`` (which may call ``real(raw)``, the core's own)."""
    wrapper = tmp_path / "aclparse_patched.py"
    wrapper.write_text(textwrap.dedent(f"""\
        import runpy, sys
        sys.path.insert(0, {str(scp.BIN)!r})
        import acltrace.logs.parser as parser
        real = parser.parse_event
        """) + textwrap.dedent(parse_source) + textwrap.dedent(f"""\
        parser.parse_event = parse_event
        runpy.run_path({str(scp.BIN / "aclparse.py")!r}, run_name="__main__")
        """))
    return wrapper


def test_a_parser_that_raises_fails_no_record_and_warns_once(tmp_path):
    wrapper = with_core_replaced(tmp_path, """
        def parse_event(raw):
            if "BOOM" in raw:
                raise RuntimeError("parser bug")
            return real(raw)
        """)
    chunks = [[{"_raw": IOS_DENY}, {"_raw": "BOOM 1"}, {"_raw": "BOOM 2"}],
              [{"_raw": "BOOM 3"}, {"_raw": IOS_PERMIT}], [{"_raw": NOT_ACL}]]
    result = scp.run_command(wrapper, [], chunks)
    assert_ok(result)
    assert [r["_raw"] for r in result.records] == \
        [IOS_DENY, "BOOM 1", "BOOM 2", "BOOM 3", IOS_PERMIT, NOT_ACL]
    assert ours(result.records[0]) == expected_fields(IOS_DENY)
    assert ours(result.records[4]) == expected_fields(IOS_PERMIT)
    for i in (1, 2, 3):
        assert not any(ours(result.records[i]).values()), result.records[i]
    warnings = result.messages_at("WARN")
    assert len(warnings) == 1 and "3 record(s)" in warnings[0], warnings
    assert result.chunks[-1].messages == [("WARN", warnings[0])]   # sent once, at the end


def test_values_that_need_csv_quoting_or_are_not_strings_are_written_correctly(tmp_path):
    wrapper = with_core_replaced(tmp_path, """
        def parse_event(raw):
            if raw.startswith("odd"):
                return {"rule": 'a,"b"', "reason": "two\\nlines", "packets": 5, "src_ip": "1.2.3.4"}
            if raw == "not a dict":
                return ["action", "blocked"]
            return real(raw)
        """)
    records = [{"_raw": "odd 1", "host": "h"}, {"_raw": IOS_DENY, "host": "h"},
               {"_raw": "not a dict", "host": "h"}, {"_raw": "odd 2", "host": "h"}]
    result = scp.run_command(wrapper, [], [records])
    assert_ok(result)
    odd = result.records[0]
    assert (odd["rule"], odd["reason"], odd["packets"], odd["src_ip"]) == \
        ('a,"b"', "two\nlines", "5", "1.2.3.4")
    assert odd["host"] == "h" and odd["_raw"] == "odd 1"
    assert ours(result.records[1]) == expected_fields(IOS_DENY)
    assert not any(ours(result.records[2]).values())
    assert result.records[3]["rule"] == 'a,"b"'
    assert [w for w in result.messages_at("WARN") if "1 record(s)" in w]


# -- options --------------------------------------------------------------------------------------

def test_field_option_reads_another_field():
    records = [{"_raw": "syslog wrapper", "message": IOS_DENY},
               {"_raw": IOS_PERMIT, "message": NOT_ACL}]
    result = scp.run_command("aclparse", ["field=message"], [records])
    assert_ok(result)
    first, second = result.records
    assert ours(first) == expected_fields(IOS_DENY) and first["action"] == "blocked"
    assert not any(ours(second).values())          # its _raw is an ACL line, but not its message
    assert (first["_raw"], second["_raw"]) == ("syslog wrapper", IOS_PERMIT)


@pytest.mark.parametrize("args, error", [
    (["field="], "Illegal value: field="),
    (["field=a b"], "Illegal value: field=a b"),
    (["colour=blue"], "Unrecognized option: colour=blue"),
])
def test_a_bad_option_is_a_clear_error_not_a_traceback(args, error):
    result = scp.run_command("aclparse", args, [[{"_raw": IOS_DENY}]])
    assert result.returncode == 1
    assert result.messages_at("ERROR") == [error]
    assert "Traceback" not in result.stderr
    assert result.chunks == []                      # it stops after getinfo, as splunkd expects


# -- fields the events already have, and real splunkd input ---------------------------------------

def test_an_existing_src_ip_is_replaced_for_acl_events_only():
    records = [{"_raw": IOS_DENY, "src_ip": ["9.9.9.9", "8.8.8.8"], "dvc": "props-dvc"},
               {"_raw": NOT_ACL, "src_ip": "7.7.7.7", "dvc": "props-dvc"}]
    result = scp.run_command("aclparse", [], [records])
    assert_ok(result)
    acl, other = result.records
    assert acl["src_ip"] == "10.1.1.1" and acl["__mv_src_ip"] == ""     # ours, single-valued
    assert other["src_ip"] == "7.7.7.7"
    assert result.chunks[0].header.count("src_ip") == 1
    want = parse_event(IOS_DENY)
    assert acl["dvc"] == want.get("dvc", "props-dvc")   # kept where the message carries none


def test_our_own_parser_cases_come_back_with_their_fields(repo):
    """tests/data/parser_cases.jsonl through the command: named ports, RFC 3339 headers, FMANFP, bad MACs."""
    cases = [json.loads(line) for line in (repo / "tests" / "data" / "parser_cases.jsonl").open(encoding="utf-8")]
    result = scp.run_command("aclparse", [], [[{"_raw": c["line"]} for c in cases]])
    assert_ok(result)
    for case, row in zip(cases, result.records):
        assert {k: v for k, v in ours(row).items() if v} == (case["fields"] or {}), case["why"]


NO_ORIGIN_ID = "%SEC-6-IPACCESSLOGP: list 101 denied tcp 192.0.2.1(80) -> 198.51.100.2(1500), 1 packet"


def test_dvc_is_the_events_host_where_the_message_names_no_device():
    """An IOS line without ``logging origin-id`` names no device: the event's host is the device."""
    records = [{"host": "edge-1", "_raw": NO_ORIGIN_ID}, {"host": "edge-1", "_raw": IOS_DENY},
               {"host": "edge-1", "_raw": NOT_ACL}, {"host": 'rtr,"q"', "_raw": NO_ORIGIN_ID},
               {"host": "", "_raw": NO_ORIGIN_ID}]
    ragged = f'_raw,host\n"{NO_ORIGIN_ID}",edge-2\n{NOT_ACL.replace(",", "")},b,extra\n'
    result = scp.run_command("aclparse", [], [records, ragged])
    assert_ok(result)
    assert [r["dvc"] for r in result.records] == ["edge-1", "r1", "", 'rtr,"q"', "", "edge-2", ""]
    assert [r["host"] for r in result.records][:4] == ["edge-1"] * 3 + ['rtr,"q"']   # host itself untouched


def test_the_recorded_splunkd_session_comes_back_unchanged(corpus):
    recording = corpus / "splunkd_recordings" / "multibyte_input.gz"
    result, bodies = scp.replay_recording("aclparse", recording)
    assert_ok(result)
    assert len(result.chunks) == len(bodies) == 9      # the README says eight; it holds nine
    for body, chunk in zip(bodies, result.chunks):
        header, rows = scp.parse_body(body)
        assert chunk.header == header
        assert chunk.rows == rows
    assert sum(len(c.rows) for c in result.chunks) > 1000
    assert result.records[0]["teststring"] == "\u0e17t"
    assert result.messages_at("WARN") == ["no field _raw in the events; aclparse added nothing"]
    assert result.chunks[-1].metadata["finished"] is True


def test_multivalue_and_missing_fields_keep_their_values():
    """What the dict-per-record path of the splunklib days was checked for, through the protocol: a
    multivalue ``field`` is read as its lines and kept, a record without it passes, every column
    of ours is in the header."""
    records = [{"_raw": NOT_ACL, "src_ip": "7.7.7.7"}, {"_raw": IOS_DENY, "src_ip": "9.9.9.9"},
               {"_raw": ["multi", "value"]}, {"host": "no raw"}]
    result = scp.run_command("aclparse", [], [records])
    assert_ok(result)
    out = result.records
    assert out[0]["src_ip"] == "7.7.7.7" and out[0]["_raw"] == NOT_ACL
    assert ours(out[1]) == expected_fields(IOS_DENY)
    assert (out[2]["_raw"], out[2]["__mv__raw"]) == ("multi\nvalue", "$multi$;$value$")
    assert out[3]["host"] == "no raw"
    assert set(FIELDS) <= set(result.chunks[0].header)


@pytest.mark.parametrize("broken", [
    '_raw,host\n"%SEC-6-IPACCESSLOGP: list 1 denied tcp 1.1.1.1(1) -> 2.2.2.2(2), 1 packet,h1\n',  # quote never closed
    b"\x00\xff\xfe garbage, not CSV at all\r\r\n\"\"\",\n",
    "host\n",                                                               # a header and no records
], ids=["unterminated-quote", "binary-junk", "header-only"])
def test_a_broken_chunk_does_not_stop_the_search(broken):
    """The chunk comes back as it can be read, and the chunks after it are processed as usual."""
    result = scp.run_command("aclparse", [], [[{"_raw": IOS_DENY}], broken, [{"_raw": IOS_PERMIT}]])
    assert_ok(result)
    assert len(result.chunks) == 3
    assert ours(result.chunks[0].rows[0]) == expected_fields(IOS_DENY)
    assert ours(result.chunks[2].rows[0]) == expected_fields(IOS_PERMIT)
