"""The SCP v2 layer itself (bin/acltrace_splunk/protocol.py): framing, getinfo, options, execute, messages.

Written from the documented protocol (tests/support/scp.py says what splunkd sends), not from one
recording: in process for the framing and the record codec, through real processes for the rest,
with the five commands and with small commands of our own made on the same module.
"""
import glob
import io
import json
import select
import subprocess
import sys
import textwrap

import pytest
import scp
from scp import assert_ok

from acltrace.logs.fields import FIELDS
from acltrace_splunk.protocol import (
    Option,
    ProtocolError,
    decode_mv,
    encode_mv,
    fieldname,
    one_of,
    parse_args,
    read_chunk,
    read_records,
    read_rows,
    write_chunk,
    write_records,
)

IOS_DENY = ("Feb  8 04:00:48 r1 585917: Feb  8 04:00:47.272: %SEC-6-IPACCESSLOGP: list 101 "
            "denied tcp 10.1.1.1(1234) (GigabitEthernet0/1 000b.bf55.4c70) -> 10.2.2.2(80), 1 packet")
PY39 = sorted(glob.glob("/root/.pyenv/versions/3.9.*/bin/python"))
PYTHONS = [None] + PY39[-1:]          # None: the interpreter running the tests
THAI = "\u0e17t"                         # 4 bytes in UTF-8, 2 characters


# -- framing, in process ------------------------------------------------------------------------------

def chunks_of(data):
    stream = io.BytesIO(data)
    found = []
    while True:
        chunk = read_chunk(stream)
        if chunk is None:
            return found
        found.append(chunk)


def test_a_header_with_spaces_blank_lines_and_crlf_is_read():
    meta = b'{"action":"execute","finished":false}'
    body = b"_raw\nx\n"
    data = (b"chunked 1.0,%d,%d\n" % (len(meta), len(body)) + meta + body
            + b"\n\r\n  chunked   1.0 ,\t%d , %d \r\n" % (len(meta), 0) + meta)
    first, second = chunks_of(data)
    assert first == (json.loads(meta), body)
    assert second == (json.loads(meta), b"")


def test_lengths_are_bytes_not_characters():
    out = io.BytesIO()
    write_chunk(out, {"finished": True, "note": THAI}, f"teststring\n{THAI}\n")
    data = out.getvalue()
    header, rest = data.split(b"\n", 1)
    meta_length, body_length = map(int, header.split(b",")[1:])
    assert body_length == len(f"teststring\n{THAI}\n".encode()) == len("teststring\n" + THAI + "\n") + 2
    assert meta_length + body_length == len(rest)
    [(metadata, body)] = chunks_of(data)
    assert metadata == {"finished": True, "note": THAI}
    assert body.decode("utf-8") == f"teststring\n{THAI}\n"


def test_an_empty_body_and_empty_metadata():
    out = io.BytesIO()
    write_chunk(out, {"finished": False})
    assert out.getvalue() == b'chunked 1.0,18,0\n{"finished":false}'
    assert chunks_of(b"chunked 1.0,0,0\n") == [({}, b"")]


@pytest.mark.parametrize("data", [
    b"chunked 2.0,2,0\n{}",                          # another version
    b"chunked 1.0,10,0\n{}",                         # the input ends inside the chunk
    b"chunked 1.0,2,5\n{}abc",
    b"chunked 1.0,2,0\n[]",                          # metadata not an object
    b"chunked 1.0,3,0\n{x}",                         # not JSON
    b"GET / HTTP/1.1\r\n",
], ids=["version", "short-metadata", "short-body", "array", "not-json", "http"])
def test_what_is_not_a_chunk_is_a_protocol_error(data):
    with pytest.raises(ProtocolError):
        chunks_of(data)


# -- records, in process ------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [["a", "b"], ["$", "$$a$", ""], ["one;two", "x\ny", '"q"'], [THAI, "\0"]])
def test_multivalue_cells_round_trip(values):
    assert decode_mv(encode_mv(values)) == values


def test_multivalue_cells_as_splunkd_writes_them():
    assert encode_mv(["a", "b$c"]) == "$a$;$b$$c$"
    assert decode_mv("$10$;$11$;$12$") == ["10", "11", "12"]
    assert decode_mv("$a$$$;$$") == ["a$", ""]


def test_records_round_trip_through_the_csv_of_a_chunk():
    records = [
        {"_raw": "plain", "_time": "1", "eventtype": ["cisco_acl", "network"], "src_ip": ["10.0.0.1"]},
        {"_raw": 'quoted "x", comma\r\nand lines', "_time": "2", "eventtype": "single", "src_ip": ""},
        {"_raw": "dollars $1 $$2", "_time": "3", "eventtype": ["$a", "b$", "$"], "src_ip": [THAI, "\0nul"]},
    ]
    body = scp.records_to_csv(records)                  # as splunkd writes it: a __mv_ twin per field
    read = list(read_records(body))
    assert read[0] == {"_raw": "plain", "_time": "1", "eventtype": ["cisco_acl", "network"], "src_ip": ["10.0.0.1"]}
    assert read[1] == records[1]
    assert read[2] == records[2]
    again = list(read_records(write_records(read)))
    single = {"src_ip": "10.0.0.1"}                     # a one-value list goes out as its value
    assert again == [dict(read[0], **single), read[1], read[2]]
    header = next(read_rows(write_records(read)))
    assert header == ["_raw", "_time", "eventtype", "src_ip", "__mv_eventtype", "__mv_src_ip"]


def test_written_values_of_other_types_and_fields_that_come_late():
    text = write_records([{"a": 1, "b": True, "c": None}, {"a": 2.5, "d": {"k": [1]}, "e": ["x", 3, None]}])
    rows = list(read_rows(text))
    assert rows == [["a", "b", "c", "d", "e", "__mv_e"], ["1", "1", "", "", "", ""],
                    ["2.5", "", "", '{"k":[1]}', "x\n3\n", "$x$;$3$;$$"]]
    assert write_records([]) == ""


def test_bare_carriage_returns_are_quoted():
    [_, row] = read_rows(write_records([{"a": "x\ry", "b": "z"}]))
    assert row == ["x\ry", "z"]


def test_huge_cells_and_nul_bytes_are_read_on_every_python():
    huge = "x" * (11 * 2**20)                            # over splunklib's 10 MB and csv's 128 KiB
    body = scp.records_to_csv([{"_raw": huge, "n": "a\0b"}, {"_raw": "small", "n": "\0"}])
    records = list(read_records(body))
    assert [r["_raw"] for r in records] == [huge, "small"]
    assert [r["n"] for r in records] == ["a\0b", "\0"]


def test_ragged_rows_and_an_empty_body():
    assert list(read_records("a,b,__mv_b\n1\n2,$x$;$y$,\n3,4,$p$;$q$\n")) == [
        {"a": "1"}, {"a": "2", "b": "$x$;$y$"}, {"a": "3", "b": ["p", "q"]}]
    assert list(read_records("")) == []
    assert list(read_records("a,b\n")) == []


# -- options, in process ------------------------------------------------------------------------------

def test_options_parse_as_splunklib_did_with_its_error_texts():
    options = (Option("field", "_raw", fieldname), Option("kind", None, one_of("mac", "arp")), Option("w", "300"))
    assert parse_args(options, []) == ({"field": "_raw", "kind": None, "w": "300"}, [])
    assert parse_args(options, ["field=msg", "kind=arp", "w=abc", "a_field_name"]) == \
        ({"field": "msg", "kind": "arp", "w": "abc"}, [])
    values, errors = parse_args(options, ["field=", "field=a b", "kind=routes", "colour=blue", "w=1=2"])
    assert errors == ["Illegal value: field=", "Illegal value: field=a b", "Illegal value: kind=routes",
                      "Unrecognized option: colour=blue"]
    assert values["w"] == "1=2"


# -- getinfo, through the commands --------------------------------------------------------------------

@pytest.mark.parametrize("command,kind", [("aclparse", "streaming"), ("backscatter", "stateful"),
                                          ("aclincidents", "reporting"), ("aclfindings", "reporting"),
                                          ("mactrace", "stateful"),
                                          ("showtables", "streaming")])
def test_getinfo_says_each_commands_type_and_nothing_it_does_not_mean(command, kind):
    result = scp.run_command(command)
    assert_ok(result)
    info = result.getinfo
    assert info["type"] == kind and info["generating"] is False
    assert "streaming_preop" not in info and "finished" not in info
    assert result.getinfo_chunk.body == b""
    if command == "aclincidents":                   # a reporting command names what it reads
        assert info["run_in_preview"] is False
        assert {"_time", "bs_label", "host", *FIELDS} == set(info["required_fields"])
    elif command == "aclfindings":
        assert info["run_in_preview"] is False and "events" in info["required_fields"]
    else:                                           # the others pass every field on
        assert "required_fields" not in info


def command_script(tmp_path, body, name="probe"):
    """A command script of our own on the protocol module: ``body`` defines ``Probe`` and ``OPTIONS``."""
    path = tmp_path / f"{name}.py"
    path.write_text(f"import sys\nsys.path.insert(0, {str(scp.BIN)!r})\n"
                    "from acltrace_splunk.protocol import *  # noqa\n"
                    + textwrap.dedent(body)
                    + "\nif __name__ == '__main__':\n    run(Probe, OPTIONS)\n")
    return path


ECHO = """
    class Probe(RecordCommand):
        type = "events"
        required_fields = ("a", "b")

        def process(self, records, finished):
            for record in records:
                if self.options.mode == "boom" and record.get("boom"):
                    raise RuntimeError("core bug")
                if self.options.mode == "print":
                    print("a stray print")
                record["seen"] = ["x$y", record.get("n") or ""]
                yield record
            self.info(f"chunk done, finished={finished}")
            if finished:
                self.warn("the end")

    OPTIONS = (Option("mode", default="echo", validate=one_of("echo", "boom", "print")),)
"""


def test_getinfo_of_a_command_type_and_required_fields(tmp_path):
    result = scp.run_command(command_script(tmp_path, ECHO))
    assert_ok(result)
    assert result.getinfo == {"type": "events", "generating": False, "required_fields": ["a", "b"]}


# -- execute ------------------------------------------------------------------------------------------

def decoded(rows):
    """Rows as read_records gives them, from a reply's rows (twins folded into lists)."""
    out = []
    for row in rows:
        record = {k: v for k, v in row.items() if not k.startswith("__mv_")}
        for key, value in row.items():
            if key.startswith("__mv_") and value:
                record[key[5:]] = decode_mv(value)
        out.append(record)
    return out


def test_records_and_multivalues_round_trip_through_a_dict_command(tmp_path):
    records = [{"n": "1", "mv": ["a", "$b$", ""], "plain": 'q"uote,'}, {"n": "2", "mv": "one", "plain": THAI}]
    result = scp.run_command(command_script(tmp_path, ECHO), [], [records, [], records[:1]])
    assert_ok(result)
    first, empty, last = result.chunks
    assert decoded(first.rows) == [dict(r, seen=["x$y", r["n"]]) for r in records]
    assert first.rows[0]["__mv_seen"] == "$x$$y$;$1$" and first.rows[0]["seen"] == "x$y\n1"
    assert empty.body == b"" and empty.rows == []
    assert [c.metadata["finished"] for c in result.chunks] == [False, False, True]
    assert [c.messages for c in result.chunks] == [
        [("INFO", "chunk done, finished=False")], [("INFO", "chunk done, finished=False")],
        [("INFO", "chunk done, finished=True"), ("WARN", "the end")]]


@pytest.mark.parametrize("python", PYTHONS, ids=lambda p: "py39" if p else "current")
def test_nul_bytes_and_huge_cells_through_a_dict_command_on_every_python(tmp_path, python):
    huge = "y" * (11 * 2**20)
    records = [{"n": "1", "_raw": "a\0b", "mv": ["\0", "$"]}, {"n": "2", "_raw": huge, "mv": ""}]
    result = scp.run_command(command_script(tmp_path, ECHO), [], [records], python=python)
    assert_ok(result)
    assert decoded(result.records) == [dict(r, seen=["x$y", r["n"]]) for r in records]


def test_inspector_messages_are_level_text_pairs_in_the_reply_they_arise_in(tmp_path):
    result = scp.run_command(command_script(tmp_path, ECHO), [], [[{"n": "1"}], [{"n": "2"}]])
    for chunk in result.chunks:
        messages = chunk.metadata["inspector"]["messages"]
        assert all(isinstance(m, list) and len(m) == 2 and m[0] in ("DEBUG", "INFO", "WARN", "ERROR")
                   for m in messages)
    assert "inspector" not in result.getinfo


def test_a_bad_option_is_an_error_message_and_a_clean_exit():
    result = scp.run_command("backscatter", ["window=abc"], [[{"_raw": "x", "_time": "1"}]])
    assert result.returncode == 1
    assert result.getinfo["inspector"]["messages"] == [
        ["ERROR", "backscatter: window must be a number of seconds from 0.001 to 86400, not 'abc'"]]
    assert result.getinfo["type"] == "stateful"
    assert result.chunks == [] and "Traceback" not in result.stderr


def test_an_unexpected_exception_is_an_error_message_its_traceback_on_stderr(tmp_path):
    result = scp.run_command(command_script(tmp_path, ECHO), ["mode=boom"], [[{"n": "1"}], [{"boom": "1"}], []])
    assert result.returncode == 1
    assert len(result.chunks) == 2                        # it stopped at the failing chunk
    [error] = result.chunks[1].messages
    assert error[0] == "ERROR" and "RuntimeError: core bug" in error[1]
    assert result.chunks[1].metadata["finished"] is True
    assert "Traceback" in result.stderr and "core bug" in result.stderr


def test_a_stray_print_goes_to_stderr_not_into_the_chunks(tmp_path):
    result = scp.run_command(command_script(tmp_path, ECHO), ["mode=print"], [[{"n": "1"}]])
    assert_ok(result)
    assert "a stray print" in result.stderr and result.records[0]["n"] == "1"


def test_the_command_ends_after_the_finished_chunk_without_waiting_for_eof():
    session = scp.Session("aclparse")
    try:
        session.exchange(scp.encode_chunk(scp.getinfo_metadata("aclparse", [], "/tmp")))
        reply = session.exchange(scp.encode_chunk({"action": "execute", "finished": True},
                                                  scp.records_to_csv([{"_raw": IOS_DENY}])))
        assert reply.metadata == {"finished": True} and reply.rows[0]["action"] == "blocked"
        # its stdin still open, its stdout ends: the process has gone
        ready, _, _ = select.select([session.proc.stdout], [], [], 30)
        assert ready and session.proc.stdout.read() == b""
    finally:
        session.close()
    assert session.returncode == 0


def test_headers_with_whitespace_and_unknown_metadata_keys_are_taken():
    getinfo = scp.getinfo_metadata("aclparse", ["field=message"], "/tmp")
    getinfo["searchinfo"].update(a_future_key={"nested": [1, 2]}, another=None)
    getinfo["a_new_top_level_key"] = "ignored"
    meta = json.dumps(getinfo).encode()
    body = scp.records_to_csv([{"message": IOS_DENY, "n": THAI}]).encode()
    execute = json.dumps({"action": "execute", "finished": True, "partial": False, "new": {"x": 1}}).encode()
    chunks = [b"chunked 1.0 , %d , 0 \n" % len(meta) + meta,
              b"\nchunked\t1.0,%d,%d\r\n" % (len(execute), len(body)) + execute + body]
    result = scp.run_chunks("aclparse", chunks)
    assert_ok(result)
    assert result.getinfo["type"] == "streaming"
    [row] = result.records
    assert (row["action"], row["n"], row["message"]) == ("blocked", THAI, IOS_DENY)


def test_a_broken_stream_is_an_error_message_not_a_hang():
    meta = json.dumps(scp.getinfo_metadata("aclparse", [], "/tmp")).encode()
    result = scp.run_chunks("aclparse", [b"chunked 1.0,%d,0\n" % len(meta) + meta, b"this is not a chunk\n"])
    assert result.returncode == 1
    [reply] = result.chunks
    assert reply.messages[0][0] == "ERROR" and "not a chunk header" in reply.messages[0][1]


# -- sessions that differ from the 8.0.3 recording ------------------------------------------------------

def newer_splunkd_getinfo(command, args=()):
    """A getinfo as a newer splunkd sends it, written from the documented protocol: searchinfo keys
    the 8.0.3 recording lacks, top-level keys we do not know."""
    info = scp.getinfo_metadata(command, list(args), "/tmp", splunk_version="9.4.1",
                                search_config={"limits": {"max_mem_usage_mb": 200}}, is_remote=False,
                                request_id="a1b2c3", search_type="adhoc", tstats_reduce=None)
    info.update(preview=False, streaming_command_will_restart=True, chunked_protocol_version="1.0")
    return info


@pytest.mark.parametrize("command", ["aclparse", "backscatter", "aclincidents", "aclfindings", "mactrace",
                                     "showtables"])
def test_a_newer_splunkd_session_ending_in_a_finished_empty_chunk(command):
    records = scp.records_to_csv([{"_raw": IOS_DENY, "_time": "1700000000", "bs_label": "none"}])
    chunks = [scp.encode_chunk(newer_splunkd_getinfo(command)),
              scp.encode_chunk({"action": "execute", "finished": False, "partial": False}, records),
              scp.encode_chunk({"action": "execute", "finished": True}, b"")]
    result = scp.run_chunks(command, chunks)
    assert result.returncode == 0, result.stderr
    assert not result.messages_at("ERROR") and "Traceback" not in result.stderr
    assert result.getinfo["generating"] is False
    assert [c.metadata.get("finished") for c in result.chunks] == [False, True]
    if command == "aclparse":
        assert result.chunks[0].rows[0]["action"] == "blocked" and result.chunks[1].body == b""
    if command == "backscatter":                       # the held event comes out at the end
        assert [r["bs_label"] for r in result.records] == ["none"]


def test_a_replay_without_getinfo_runs_with_the_defaults_and_ends_at_finished():
    body = scp.records_to_csv([{"_raw": IOS_DENY, "_time": "1700000000"}])
    chunks = [scp.encode_chunk({"action": "execute", "finished": False}, body),
              scp.encode_chunk({"action": "execute", "finished": True}, body)]
    result = scp.run_chunks("aclparse", chunks)
    assert_ok(result)
    assert result.getinfo == {}
    assert [c.metadata["finished"] for c in result.chunks] == [False, True]
    assert [r["action"] for r in result.records] == ["blocked", "blocked"]
    labelled = scp.run_chunks("backscatter", chunks)     # window=300 by default
    assert_ok(labelled)
    assert len(labelled.records) == 2 and {r["bs_label"] for r in labelled.records} == {"none"}


def test_the_recorded_803_session_replays_on_every_command_that_passes_records_on(corpus):
    """The 8.0.3 recording (quoted header names, every value quoted, multi-byte text): records come
    back with their columns, whichever command reads them."""
    recording = corpus / "splunkd_recordings" / "multibyte_input.gz"
    for command in ("aclparse", "backscatter"):
        result, bodies = scp.replay_recording(command, recording)
        assert_ok(result)
        assert len(result.records) == sum(len(scp.parse_body(b)[1]) for b in bodies)
        assert {r["teststring"] for r in result.records} == {THAI}


def test_no_splunklib_in_the_search_commands():
    """The commands import no splunklib: an SDK upgrade cannot change them under us."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['x']; sys.path.insert(0, {str(scp.BIN)!r})\n"
            "for name in ('aclparse', 'backscatter', 'aclincidents', 'aclfindings', 'mactrace', 'showtables'):\n"
            f"    runpy.run_path({str(scp.BIN)!r} + '/' + name + '.py', run_name='not_main')\n"
            "print(sorted(m for m in sys.modules if m.startswith('splunklib')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
