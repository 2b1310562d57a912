"""Reading splunkd's CSV bodies without a list of cells per record: the search commands' shared scanner.

One regex pass over a chunk's body gives each record's CSV text and the few cells a command reads,
so a record can go out as its own text with cells appended. Nothing here knows about the domain.
"""
import csv
import re
import sys
from operator import itemgetter
from typing import Optional

# Python < 3.11's csv.reader refuses NUL bytes ("line contains NUL"); such a chunk has its NULs
# swapped for a character it does not contain, and swapped back on the way out (protocol.read_rows).
_NUL_SAFE_CSV = sys.version_info >= (3, 11)
_NUL_STAND_INS = ("\uffff", "\ufffe", "\U0010ffff", "\U0010fffe")


def nul_stand_in(text: str) -> Optional[str]:
    """The character to swap for NUL in ``text`` before csv.reader sees it, or None when none is needed."""
    if _NUL_SAFE_CSV or "\0" not in text:
        return None
    return next(c for c in _NUL_STAND_INS if c not in text)

# One CSV record exactly as csv.reader reads it with CsvDialect, for the bodies splunkd writes:
# every cell plain (no quote, comma or line break; empty too) or quoted (a doubled quote inside
# stands for one; commas and line breaks are literal), and the record ended by "\n", "\r\n" or
# the body's end. Anything else (an empty line, a bare "\r", a quote inside a plain cell or after
# a quoted cell's closing quote, a ragged record) does not match: csv.reader reads such a body.
# Each cell has one reading, so nothing is lost when the quantifiers never give back (possessive,
# re has them from Python 3.11): ~15% faster on splunkd's bodies.
_P = "+" if sys.version_info >= (3, 11) else ""
_PLAIN = rf'[^",\r\n]*{_P}'
_INSIDE = f'[^"]*{_P}(?:""[^"]*{_P})*{_P}'   # what is between a quoted cell's quotes
_QUOTED = f'"{_INSIDE}"'


def record_regex(width, at, plain=False):
    """A regex for a record of ``width`` cells: group 1 is its text without the line end, and
    each cell of the indexes ``at`` (in increasing order) two groups after it: a quoted cell's
    inside (still with doubled quotes) and a plain or empty cell, the one that is not the cell
    empty (as ``findall`` gives them). With ``plain``, one group per cell instead, which matches
    only a plain or empty cell (its value as is). re's own cache keeps it compiled for the next
    chunk."""
    cells = [f"(?:{_QUOTED}|{_PLAIN})"] * width
    for i in at:
        cells[i] = f"({_PLAIN})" if plain else f'(?:"({_INSIDE})"|({_PLAIN}))'
    # A record starts a line: where findall steps over a record that does not match (a ragged one), it
    # tries no position inside it, which made a long first cell cost quadratic time.
    return re.compile(r"(?<![^\n])(?![\r\n]|\Z)(" + ",".join(cells) + r")(?:\r?\n|\Z)")


def scan(body, header_end, width, at, plain=False):
    """The groups of ``record_regex(width, at, plain)`` (a tuple per record: its text, then its
    cells) for every record after the header, or None when a record does not match (csv.reader
    must read the body).

    ``findall`` is re's fastest loop but steps over text that does not match, so the records it
    finds must cover the body: their lengths, each with its "\n" (the last may end the body
    instead), add up to the body's. A body they do not cover (one with "\r\n" line ends, say)
    goes through the scanner, record by record from the header on."""
    regex = record_regex(width, at, plain)
    rows = regex.findall(body, header_end)
    if regex.groups == 1:                   # findall gives strings, not tuples, for one group
        rows = [(text,) for text in rows]
    ends = len(rows) - (1 if rows and not body.endswith("\n") else 0)
    if sum(map(len, map(itemgetter(0), rows))) + ends == len(body) - header_end:
        return rows
    matches = list(iter(regex.scanner(body, header_end).match, None))
    if (matches[-1].end() if matches else header_end) != len(body):
        return None
    return [match.groups("") for match in matches]


def first_quoted(body, start, width, at):
    """Whether the first record from ``start`` quotes one of its cells of the indexes ``at`` (True:
    as splunkd does every value; then a ``plain`` scan of the body would fail), or None when it is
    not a record the regex reads."""
    match = record_regex(width, at).match(body, start)
    if match is None:
        return None
    return any(match.group(2 + 2 * k) is not None for k in range(len(at)))


def body_header(body):
    """(the names, where the records start) of a CSV body whose header is its first line, or None.
    splunkd quotes some names (``"_time",host,"__mv__time"``); a line with an odd number of quotes
    (a quoted name holding a line break) or an empty one is None: csv.reader must read that body."""
    end = body.find("\n") + 1 or len(body)
    line = body[:end].rstrip("\r\n")
    if not line:
        return None
    if '"' not in line:
        return line.split(","), end
    if line.count('"') % 2:
        return None
    try:
        return next(csv.reader([line])), end
    except csv.Error:                       # a NUL on Python < 3.11, say
        return None


def csv_cell(value):
    """``value`` (a str) as one CSV cell."""
    if '"' in value or "," in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value
