"""csvscan.scan against csv.reader: the same records and cells, or None (never a wrong record)."""
import csv
import io
import time

import pytest
from scp import quote_as_splunkd

from acltrace_splunk.csvscan import body_header, first_quoted, scan

HEADER = "_raw,_time,src_ip,__mv_src_ip\n"
RECORDS = [
    ['a "quoted", line', "1.5", "10.0.0.1", ""],
    ["plain", "2", "", ""],
    ["two\nlines", "3", '"x"', "$a$;$b$"],
    ["", "", "", ""],
]


def body(records, end="\n", last_end=True):
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator=end).writerows(records)
    text = HEADER + out.getvalue()
    return text if last_end else text[:-len(end)]


def expected(text):
    """(text, cells) per record as csv.reader reads them: _time and src_ip."""
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return [(row[1], row[2]) for row in rows]


def value(quoted, plain):
    return quoted.replace('""', '"') if quoted else plain


@pytest.mark.parametrize("end,last_end", [("\n", True), ("\n", False), ("\r\n", True), ("\r\n", False)])
def test_records_and_cells_match_csv_reader(end, last_end):
    text = body(RECORDS, end, last_end)
    header_end = len(HEADER)
    plain = scan(text, header_end, 4, (1,), plain=True)             # _time: plain cells only
    assert [time for _, time in plain] == [time for time, _ in expected(text)]
    records = scan(text, header_end, 4, (1, 2))
    assert [(value(tq, tp), value(sq, sp)) for _, tq, tp, sq, sp in records] == expected(text)
    assert "".join(r[0] + end for r in records) == text[header_end:] + ("" if last_end else end)


@pytest.mark.parametrize("broken", [
    'x,1,2,3\n"unclosed,1,2,3\nz,1,2,3\n',    # a quote never closed
    "x,1,2,3\n\nz,1,2,3\n",                   # an empty line
    "x,1,2,3\nshort,1\nz,1,2,3\n",            # a ragged record
    "x,1,2,3\ntext\rcut,1,2,3\n",             # a bare carriage return
])
def test_a_body_the_regex_does_not_read_whole_is_none(broken):
    assert scan(HEADER + broken, len(HEADER), 4, (1,)) is None
    assert scan(HEADER + broken, len(HEADER), 4, (1,), plain=True) is None


def test_no_cells_asked_gives_the_record_texts():
    text = body(RECORDS)
    assert scan(text, len(HEADER), 4, ()) == [(r[0],) for r in scan(text, len(HEADER), 4, (0,))]


def test_a_plain_scan_of_a_quoted_cell_is_none():
    assert scan(body(RECORDS), len(HEADER), 4, (2,), plain=True) is None          # src_ip '"x"' is quoted


def test_a_quote_inside_a_plain_cell_is_left_to_csv_reader():
    # csv.reader reads 'a"b' as it stands; splunkd would have quoted it, so the regex does not match
    text = HEADER + 'x,1,a"b,3\n'
    assert next(csv.reader(io.StringIO(text[len(HEADER):])))[2] == 'a"b'
    assert scan(text, len(HEADER), 4, (2,)) is None
    assert scan(text, len(HEADER), 4, (1,), plain=True) is None


@pytest.mark.parametrize("body,names", [
    ("_raw,host\nx,y\n", ["_raw", "host"]),
    ('"_time",teststring,"__mv__time"\r\n"1",x,\n', ["_time", "teststring", "__mv__time"]),   # splunkd's
    ('a,"b ""c"", d"\n', ["a", 'b "c", d']),
    ("only", ["only"]),
    ('a,"line\nbreak"\nx,y\n', None),                   # a quoted name over two lines: csv.reader's
    ("\nx\n", None),
    ("", None),
])
def test_body_header_reads_a_one_line_header_as_csv_reader_does(body, names):
    found = body_header(body)
    if names is None:
        assert found is None
    else:
        assert found == (names, len(body.split("\n", 1)[0]) + (1 if "\n" in body else 0))
        assert names == next(csv.reader(io.StringIO(body, newline="")))


def test_a_body_quoted_as_splunkd_quotes_it_is_scanned_like_csv_reader_reads_it():
    text = body(RECORDS)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    quoted = quote_as_splunkd(text)
    names, start = body_header(quoted)
    assert names == rows[0]
    records = scan(quoted, start, 4, (1, 2))
    assert [(value(tq, tp), value(sq, sp)) for _, tq, tp, sq, sp in records] == expected(text)
    assert scan(quoted, start, 4, (1,), plain=True) is None        # every value quoted: not the plain scan


def test_first_quoted_says_whether_the_cells_read_are_quoted_in_the_first_record():
    plain = body(RECORDS)                      # _raw quoted (a comma in it), _time plain
    assert first_quoted(plain, len(HEADER), 4, (1,)) is False
    assert first_quoted(plain, len(HEADER), 4, (0,)) is True
    quoted = quote_as_splunkd(plain)
    assert first_quoted(quoted, body_header(quoted)[1], 4, (1,)) is True
    assert first_quoted(HEADER + 'x,"1,\n', len(HEADER), 4, (1,)) is None


def test_a_ragged_record_with_a_long_first_cell_costs_linear_time():
    """findall steps over a record it cannot read; it must not try every position inside it (16 s at 100 KB)."""
    def cost(n):
        body = "a,b,c\n" + "x" * n + ",1\n" + "p,q,r\n"
        start = time.perf_counter()
        assert scan(body, 6, 3, (0,)) is None            # ragged: csv.reader reads this body
        return time.perf_counter() - start
    small, large = cost(10_000), cost(100_000)
    assert large < 0.05 or large / small < 30, (small, large)
