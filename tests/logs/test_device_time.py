"""devtime: the device's own timestamp, as the parser keeps it, to epoch seconds."""
import calendar

import pytest

from acltrace.logs.device_time import parse_device_time, zone_known
from acltrace.logs.parser import parse_event
from acltrace.logs.placement import Placer


def utc(*args):
    return float(calendar.timegm(args + (0,) * (6 - len(args))))


@pytest.mark.parametrize("text, expected", [
    ("Mar  1 10:00:00.553", utc(2026, 3, 1, 10) + 0.553),
    ("Nov 24 2026 10:00:00", utc(2026, 11, 24, 10)),
    ("2026 Nov 24 10:00:00", utc(2026, 11, 24, 10)),
    ("2026-11-24T10:00:00", utc(2026, 11, 24, 10)),
    ("2026-11-24T10:00:00Z", utc(2026, 11, 24, 10)),
    ("2026-11-24T10:00:00.250+01:00", utc(2026, 11, 24, 9) + 0.25),
    ("2026-11-24T10:00:00-0500", utc(2026, 11, 24, 15)),
    ("Nov 24 10:00:00 UTC", utc(2026, 11, 24, 10)),
    ("Nov 24 10:00:00 GMT", utc(2026, 11, 24, 10)),
    ("Nov 24 10:00:00 EST", utc(2026, 11, 24, 15)),
    ("Aug 4 10:17:53.949 EST", utc(2026, 8, 4, 15, 17, 53) + 0.949),   # the seed's own stamp
    ("Jul 4 10:00:00 EDT", utc(2026, 7, 4, 14)),
    ("Nov 24 10:00:00 CST", utc(2026, 11, 24, 16)),
    ("Nov 24 10:00:00 CDT", utc(2026, 11, 24, 15)),
    ("Nov 24 10:00:00 MST", utc(2026, 11, 24, 17)),
    ("Nov 24 10:00:00 MDT", utc(2026, 11, 24, 16)),
    ("Nov 24 10:00:00 PST", utc(2026, 11, 24, 18)),
    ("Nov 24 10:00:00 PDT", utc(2026, 11, 24, 17)),
    ("Nov 24 10:00:00 CET", utc(2026, 11, 24, 9)),
    ("Nov 24 10:00:00 CEST", utc(2026, 11, 24, 8)),
    ("Nov 24 10:00:00 MET", utc(2026, 11, 24, 9)),
    ("Nov 24 10:00:00 MEST", utc(2026, 11, 24, 8)),
    ("Nov 24 10:00:00 BST", utc(2026, 11, 24, 9)),
    ("Nov 24 10:00:00 AEST", utc(2026, 11, 24, 0)),
    ("Nov 24 10:00:00 UTC+5", utc(2026, 11, 24, 5)),
    ("Nov 24 10:00:00 GMT-05:00", utc(2026, 11, 24, 15)),
    ("Nov 24 10:00:00 +05:30", utc(2026, 11, 24, 4, 30)),
    ("Nov 24 10:00:00 XYZ", utc(2026, 11, 24, 10)),          # unknown zone: read as UTC
    ("*Mar  1 00:00:05.123", utc(2026, 3, 1, 0, 0, 5) + 0.123),
    ("2y10w", None),                                          # uptime: no calendar time
    ("00:12:31", None),
    ("Feb 30 10:00:00", None),
    ("Foo 1 10:00:00", None),
])
def test_device_time_forms(text, expected):
    got = parse_device_time(text, 2026)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-6)


def test_unknown_zone_is_flagged():
    assert not zone_known("XYZ")
    assert zone_known("EST") and zone_known("+05:30") and zone_known(None)


def test_event_time_of_parsed_seed_line():
    ev = parse_event("Aug 4 10:17:54 myhostname 3272392: Aug 4 10:17:53.949 EST: %SEC-6-IPACCESSLOGP: "
                     "list inboundACLname denied tcp 127.0.0.1(80) (Ethernet0/1 000b.bf55.4c70) -> "
                     "192.0.2.9(1515), 1 packet")
    assert parse_device_time(ev["device_time"], 2004) == pytest.approx(utc(2004, 8, 4, 15, 17, 53) + 0.949)


@pytest.mark.parametrize("text", [
    "0000 Nov 24 10:00:00", "Nov 24 0000 10:00:00", "0000-01-01T00:00:00Z",     # year 0 is no year
    "9999-12-31T23:59:59-05:00", "Dec 31 9999 23:30:00 EST",                    # past 9999 once in UTC
    "0001-01-01T00:00:00+01:00", "Jan  1 0001 00:59:59 +01:00",                # before year 1 in UTC
])
def test_a_time_no_calendar_holds_is_unknown(text):
    assert parse_device_time(text, 2026) is None
    ev = parse_event(f"Nov 24 10:17:55 r1 9: {text}: %SEC-6-IPACCESSLOGP: list 101 denied tcp "
                     "10.0.0.1(1) -> 10.0.0.2(2), 1 packet")
    assert Placer(year=2026).place(ev) is None


@pytest.mark.parametrize("year", [0, -1, 10000, 10**12])
def test_a_year_no_calendar_holds_is_unknown(year):
    assert parse_device_time("Nov 24 10:00:00", year) is None


def test_the_calendars_first_and_last_seconds_are_times():
    assert parse_device_time("0001-01-01T00:00:00Z", 2026) == utc(1, 1, 1)
    assert parse_device_time("Dec 31 9999 23:59:59.999", 2026) == pytest.approx(utc(9999, 12, 31, 23, 59, 59.999))
    assert parse_device_time("Dec 31 23:59:59", 9999) == utc(9999, 12, 31, 23, 59, 59)


def test_in_calendar_and_utc():
    import datetime

    from acltrace.logs.device_time import END, FIRST_SECOND, in_calendar
    from acltrace.logs.device_time import utc as as_utc
    for bad in (1e20, -1e20, END, FIRST_SECOND - 1, float("nan"), float("inf"), 10**400, None, "1", b"1"):
        assert not in_calendar(bad) and as_utc(bad) is None
    assert as_utc(0) == datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    assert as_utc(FIRST_SECOND) == datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc)
    assert as_utc(END - 1e-4).year == 9999 and as_utc(-1.5).isoformat() == "1969-12-31T23:59:58.500000+00:00"
    assert as_utc(1795602473.949) == datetime.datetime.fromtimestamp(1795602473.949, datetime.timezone.utc)
