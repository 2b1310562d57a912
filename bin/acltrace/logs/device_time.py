"""A device's own timestamp (``device_time`` as the parser keeps it) as epoch seconds.

The offline CLI places events by this time (``placement``); inside Splunk the searches use
``_time`` instead. ``parse_device_time(text, year)`` reads every form the header grammar accepts
(``header.DATE_TIME``, ``header.ISO``, an optional zone):

- ``Mar  1 10:00:00.553`` (no year: ``year`` is used), ``Nov 24 2026 10:00:00``,
  ``2026 Nov 24 10:00:00``, ``2026-11-24T10:00:00.5+01:00`` / ``...Z``;
- zones ``UTC``/``GMT``/``Z``, numeric offsets (``+05:30``, ``-0500``, ``UTC-5``, ``GMT+01:00``)
  and the abbreviations in ``ZONES``. A zone that is not in the table (``XYZ``) is read as
  UTC: an abbreviation names no offset by itself, so guessing would be worse (ambiguous ones
  such as IST are left out for that reason; CST is the US one); ``zone_known``
  tells a caller whether that happened.

An uptime stamp (``2y10w``, ``00:12:31``) or anything unreadable gives None, and so does a time no
UTC calendar date holds (``in_calendar``: years 1 to 9999, what ``datetime`` can write): a stamp of
year 0000, or of 31 Dec 9999 with a zone west of UTC, is a clock gone wild or a hostile line, an
unknown time, never an error. ``utc`` gives a time as a UTC datetime on that same condition.
"""
import calendar
import datetime
import re
from typing import Optional

from acltrace.memo import remember

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}

# Offsets in hours of the abbreviations Cisco devices commonly print (``clock timezone``).
ZONES = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1,
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AWST": 8, "ACST": 9.5, "ACDT": 10.5,
    "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}

_CLOCK = r"(?P<h>\d{1,2}):(?P<mi>\d\d):(?P<s>\d\d(?:\.\d+)?)"
_ZONE = r"(?:\s+(?P<zone>\S+))?\s*\Z"
_MON_DAY = re.compile(
    rf"(?P<mon>[A-Z][a-z]{{2}})\s+(?P<d>\d{{1,2}})(?:\s+(?P<y>\d{{4}}))?\s+{_CLOCK}{_ZONE}")
_YEAR_MON_DAY = re.compile(rf"(?P<y>\d{{4}})\s+(?P<mon>[A-Z][a-z]{{2}})\s+(?P<d>\d{{1,2}})\s+{_CLOCK}{_ZONE}")
_ISO = re.compile(
    rf"(?P<y>\d{{4}})-(?P<mo>\d\d)-(?P<d>\d\d)[T ]{_CLOCK}(?P<off>Z|[+-]\d\d:?\d\d)?{_ZONE}")
_OFFSET = re.compile(r"(?:UTC|GMT)?(?P<sign>[+-])(?P<hh>\d{1,2})(?::?(?P<mm>\d\d))?\Z")

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
# The epoch seconds a UTC calendar date can be written for: 0001-01-01T00:00:00Z up to, not
# including, 10000-01-01T00:00:00Z.
FIRST_SECOND = float(calendar.timegm((1, 1, 1, 0, 0, 0)))
END = float(calendar.timegm((9999, 12, 31, 23, 59, 59)) + 1)


def in_calendar(seconds: object) -> bool:
    """True for epoch seconds (a number) that a UTC calendar date holds (years 1 to 9999)."""
    try:
        return FIRST_SECOND <= seconds < END      # False for NaN and the infinities
    except TypeError:
        return False


def utc(seconds: object) -> Optional[datetime.datetime]:
    """Epoch seconds as an aware UTC datetime (microseconds rounded as ``datetime.fromtimestamp``
    rounds them, on any platform and before 1970 too); None for a time ``in_calendar`` refuses."""
    if not in_calendar(seconds):
        return None
    try:
        return _EPOCH + datetime.timedelta(seconds=seconds)
    except (OverflowError, TypeError):   # rounded up past 9999-12-31T23:59:59.999999; a Decimal
        return None


def parse_device_time(text: str, year: int) -> Optional[float]:
    """Epoch seconds of one device timestamp (see the module doc for the forms)."""
    text = text.strip().lstrip("*.")
    m = _ISO.match(text)
    if m:
        month = m.group("mo")
        zone = m.group("off") or m.group("zone")
    else:
        m = _MON_DAY.match(text) or _YEAR_MON_DAY.match(text)
        if m is None:
            return None
        month = m.group("mon")
        zone = m.group("zone")
    start = _minute((m.group("y") or year, month, *m.group("d", "h", "mi")))
    if start is None:
        return None
    seconds = start + float(m.group("s")) - zone_offset(zone)
    return seconds if in_calendar(seconds) else None


_MINUTES: dict = {}      # a stamp's (year, month, day, hour, minute) as read -> ``_minute`` (a cache)


def _minute(stamp: tuple) -> Optional[int]:
    """The epoch second a minute starts at, from (year, month, day, hour, minute) as a stamp gives them
    (text, a month by name or number; the year an int where the stamp has none); None when no
    calendar has it. Kept for the stamps after: a log's stamps share their minutes."""
    start = _MINUTES.get(stamp, False)
    if start is False:
        y, month, day, hour, minute = stamp
        y, day, hour, minute = int(y), int(day), int(hour), int(minute)
        month = _MONTHS.get(month) or (int(month) if month.isdigit() else 0)
        valid = (1 <= y <= 9999 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(y, month)[1]
                 and hour < 24 and minute < 60)
        start = remember(_MINUTES, stamp, calendar.timegm((y, month, day, hour, minute, 0)) if valid else None,
                         4096)
    return start


def zone_offset(zone: Optional[str]) -> float:
    """Seconds east of UTC for a zone as logged; an unknown zone counts as UTC (see ``zone_known``)."""
    if not zone:
        return 0.0
    hours = ZONES.get(zone.upper())
    if hours is not None:
        return hours * 3600.0
    m = _OFFSET.match(zone)
    if m:
        seconds = int(m.group("hh")) * 3600 + int(m.group("mm") or 0) * 60
        return float(seconds if m.group("sign") == "+" else -seconds)
    return 0.0


def zone_known(zone: Optional[str]) -> bool:
    """False when ``zone_offset`` had to read ``zone`` as UTC for want of knowing it."""
    return not zone or zone.upper() in ZONES or bool(_OFFSET.match(zone))
