"""Values from the data never become a spreadsheet formula or a terminal command (issue 13.2, 13.3)."""
import csv
import io
import json

from offline import acltrace

from acltrace.safe_output import PrintableWriter, no_formula, printable

# Blaster backscatter whose ACL and interface names an attacker chose (syslog can be spoofed).
FORMULA_ACL = "=HYPERLINK(\"http://x.example/\",\"click\")"
FORMULA_IF = "=cmd|'/Ccalc'!A0"
ESCAPE_IF = "Fa0/1\x1b]0;owned\x07\x1b[2J"


def _blaster(interface, acl="inbound"):
    return "".join(
        f"Aug  4 10:{minute:02d}:0{second} gw-rtr1 {minute * 10 + second}: %SEC-6-IPACCESSLOGP: list {acl} denied "
        f"tcp 127.0.0.1(80) ({interface} 000b.bf55.4c70) -> 10.20.{minute}.{second + 1}(1{minute:02d}{second}), "
        "1 packet\n" for minute in range(3) for second in range(4)).encode()


def test_csv_cells_are_never_formulas():
    assert [no_formula(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "", None, 5, "-")] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "a=b", "", "", "5", "-"]
    parsed = acltrace("parse", "--format", "csv", stdin=_blaster(FORMULA_IF, FORMULA_ACL))
    assert parsed.returncode == 0, parsed.stderr
    rows = list(csv.DictReader(io.StringIO(parsed.stdout.decode())))
    assert len(rows) == 12
    assert {r["rule"] for r in rows} == {"'" + FORMULA_ACL} and {r["src_interface"] for r in rows} == {"'" + FORMULA_IF}
    triaged = acltrace("triage", "--format", "csv", "--year", "2004", stdin=_blaster(FORMULA_IF))
    assert triaged.returncode == 0, triaged.stderr
    cells = [cell for row in csv.reader(io.StringIO(triaged.stdout.decode())) for cell in row]
    assert "'" + FORMULA_IF in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


def test_terminal_output_shows_control_characters_escaped():
    assert printable("a\x1b[31mb\x07\x9b\u202ec\td\n") == "a\\x1b[31mb\\x07\\x9b\\u202ec\td\n"
    out = io.StringIO()
    PrintableWriter(out).write("sw\x1b]0;x\x07")
    assert out.getvalue() == "sw\\x1b]0;x\\x07"
    text = acltrace("triage", "--year", "2004", stdin=_blaster(ESCAPE_IF))
    assert text.returncode == 0, text.stderr
    assert b"\x1b" not in text.stdout and b"\x07" not in text.stdout
    assert b"Fa0/1\\x1b]0;owned\\x07" in text.stdout
    as_json = acltrace("triage", "--format", "json", "--year", "2004", stdin=_blaster(ESCAPE_IF))
    assert json.loads(as_json.stdout)["incidents"][0]["src_interface"] == ESCAPE_IF    # JSON keeps the value


def test_device_rows_and_messages_reach_the_terminal_escaped(tmp_path):
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in (
        {"kind": "mac", "mac": "000b.bf55.4c70", "switch": "sw\x1b[31m1", "port": "Gi1/0/2\x07", "vlan": "10"},
        {"kind": "nonsense\x1b]0;x\x07"})) + "\n")
    run = acltrace("trace", "000b.bf55.4c70", "--devices", str(rows))
    assert run.returncode == 0, run.stderr
    for stream in (run.stdout, run.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream
    assert b"sw\\x1b[31m1" in run.stdout
