"""The reports on times no calendar holds (issue 13.9): an incident row whose time is 1e20, NaN or past the
year 9999 (a caller's _time, a device clock gone wild) is rendered with its time unknown in every format;
times at the calendar's ends (years 1 and 9999) are written as they are, the timeline kept to its bars."""
import calendar
import csv
import io
import json
import re

import pytest

from acltrace.logs.parser import parse_event
from acltrace.report import text as report
from acltrace.report.html import MAX_BINS, MAX_TICKS
from acltrace.report.incident_rows import iso
from acltrace.triage.incidents import Incidents

T = float(calendar.timegm((2026, 11, 24, 10, 0, 0)))
SUMMARY = {"sources": ["-"], "acl_events": 3, "labels": {"blaster_backscatter": 3}, "year": 2026, "window": 300.0,
           "timeout": 300.0}


def rows_at(*times):
    """One incident per time, each at its own place (incidents.Incidents' rows and patterns)."""
    inc = Incidents()
    for number, time in enumerate(times):
        ev = parse_event(f"Nov 24 10:00:00 r{number} 1: %SEC-6-IPACCESSLOGP: list 101 denied tcp 127.0.0.1(80) "
                         "(Ethernet0/1 000b.bf55.4c70) -> 10.20.1.1(1515), 1 packet")
        inc.add(ev, {"bs_label": "blaster_backscatter"}, time)
    return inc.finish(), inc.patterns()


def render(fmt, rows, patterns):
    out = io.StringIO()
    report.write(out, fmt, rows, patterns, SUMMARY)
    return out.getvalue()


@pytest.mark.parametrize("wild", [1e20, -1e20, 253402300800.0], ids=["1e20", "-1e20", "year-10000"])
def test_every_format_writes_a_time_no_calendar_holds_as_unknown(wild):
    rows, patterns = rows_at(T, wild)
    document = json.loads(render("json", rows, patterns))
    times = sorted((row["first_seen"] or "", row["last_seen"]) for row in document["incidents"])
    assert times == [("", None), ("2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z")]
    table = list(csv.DictReader(io.StringIO(render("csv", rows, patterns))))
    assert sorted(row["first_seen"] for row in table) == ["", "2026-11-24T10:00:00Z"]
    text = render("text", rows, patterns)
    assert "    unknown time: 1 event to 1 address" in text and "    2026-11-24T10:00:00Z: 1 event to 1 address" in text
    page = render("html", rows, patterns)
    assert page.count('<span class="muted">unknown</span>') == 2
    assert len(re.findall(r'<rect class="bar"', page)) == 1          # the known incident only


def test_nothing_but_unknown_times_gives_a_page_without_charts():
    rows, patterns = rows_at(1e20)
    rows += [dict(rows[0], first_seen=float("nan"), last_seen=float("nan"))]
    page = render("html", rows, patterns)
    assert "No incident with a known time, no timeline." in page and "No incident with a known time.</p>" in page
    assert "    unknown time: 1 event" in render("text", rows, patterns)


def test_the_calendars_ends_are_written_and_the_timeline_keeps_to_its_bars():
    first, last = float(calendar.timegm((1, 1, 1, 0, 0, 0))), float(calendar.timegm((9999, 12, 31, 23, 0, 0)))
    rows, patterns = rows_at(first, last)
    assert iso(first) == "0001-01-01T00:00:00Z" and iso(last) == "9999-12-31T23:00:00Z"
    document = json.loads(render("json", rows, patterns))
    assert sorted(row["first_seen"] for row in document["incidents"]) == ["0001-01-01T00:00:00Z",
                                                                          "9999-12-31T23:00:00Z"]
    page = render("html", rows, patterns)
    timeline = page[page.index('<svg id="timeline-chart"'):page.index("</svg>")]
    assert 0 < timeline.count('<rect class="bar"') <= MAX_BINS
    assert timeline.count('class="tick" x=') <= MAX_TICKS + 4            # the ticks, the y axis's 3, the caption
    assert "<th class=\"rowhead\">0001-01-01</th>" in page and "<th class=\"rowhead\">9999-12-31</th>" in page


@pytest.mark.parametrize("value", [None, float("nan"), float("inf"), -float("inf"), 1e20, "1795602473", 10**400],
                         ids=["None", "nan", "inf", "-inf", "1e20", "text", "400-digits"])
def test_iso_of_an_unknown_time_is_empty(value):
    assert iso(value) == ""
