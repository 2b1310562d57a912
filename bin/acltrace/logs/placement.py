"""Place device stamps on the timeline: the year of a stamp that has none, and stamps that cannot be placed.

Syslog stamps usually carry no year (``Dec 31 23:59:58.123``). ``Placer.place(event)`` gives the
event's time in epoch seconds, from ``device_time.parse_device_time``, with the year taken from the
sequence and an anchor:

- the first stamp takes the anchor's year: ``--year``, or else the input file's modification time
  (then the year that puts it at or before that time: a log is written before its file's mtime);
- each later stamp takes the year that puts it nearest the device's last placed time (or, for a
  device's first stamp, the last placed time of any device): a jump back from December to January
  starts a new year, and one from January to December (a newest-first file) goes back one;
- a stamp farther than ``MAX_JUMP`` from that reference (a clock reset to 1993, a year set in the
  future), or after the file's mtime by more than ``MAX_AHEAD``, or unreadable (an uptime stamp such
  as ``1w2d``), cannot be placed: None. Such an event is kept out of the counts and said once.

The reference moves only with placed stamps, so one bad stamp never moves the others.
"""
import calendar
import datetime
import re
from typing import Optional

from acltrace.logs.device_time import parse_device_time

MAX_JUMP = 60 * 86400.0      # a device's stamps more than this from the last placed one are not placed
MAX_AHEAD = 86400.0          # ... nor those after the file's mtime by more than this (clock zones aside)
_HALF_YEAR = 183 * 86400.0


_YEAR = [0, 0.0, -1.0]      # the last year asked for, and its first and last second (a cache)


def _year_of(seconds: float) -> int:
    year, start, end = _YEAR
    if start <= seconds < end:
        return year
    year = (datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)).year
    end = float(calendar.timegm((year + 1, 1, 1, 0, 0, 0))) if year < 9999 else float("inf")
    _YEAR[:] = year, float(calendar.timegm((year, 1, 1, 0, 0, 0))), end
    return year


_HAS_YEAR = re.compile(r"(?<![.\d])\d{4}(?!\d)")   # a four-digit number, not a fraction of a second


class Placer:
    """Times for one input's events in the order read (see the module doc): ``year`` (``--year``)
    or else ``anchor`` (the file's mtime, epoch seconds) tells where the first stamp belongs."""

    def __init__(self, year: Optional[int] = None, anchor: Optional[float] = None):
        if year is None and anchor is None:
            raise ValueError("a Placer needs a year or an anchor time")
        self.year = year
        self.anchor = anchor
        self._last: dict = {}            # device -> its last placed time
        self._latest: Optional[float] = None

    def place(self, ev: dict) -> Optional[float]:
        device = ev.get("dvc") or ev.get("host") or ""
        time = self._place(ev.get("device_time"), self._last.get(device, self._latest))
        if time is None:
            return None
        self._last[device] = self._latest = time
        return time

    def _place(self, text: Optional[str], reference: Optional[float]) -> Optional[float]:
        if not text:
            return None
        if reference is None and self.year is not None:        # the first stamp: in --year
            return parse_device_time(text, self.year)
        if reference is None:                                   # the first stamp: before the file's mtime
            time = parse_device_time(text, _year_of(self.anchor))
            if time is not None and time > self.anchor + MAX_AHEAD and not _HAS_YEAR.search(text):
                time = parse_device_time(text, _year_of(self.anchor) - 1)
        else:
            year = _year_of(reference)
            time = parse_device_time(text, year)
            if time is not None and abs(time - reference) > _HALF_YEAR and not _HAS_YEAR.search(text):
                time = parse_device_time(text, year - 1 if time > reference else year + 1)   # the year nearest it
            if time is not None and abs(time - reference) > MAX_JUMP:
                return None
        if time is not None and self.anchor is not None and time > self.anchor + MAX_AHEAD:
            return None
        return time
