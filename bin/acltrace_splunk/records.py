"""Splunk search results as the core reads them: the search commands' shared helpers.

A record is a dict of field -> value, a value being a string or, for a multivalue field, a list
of strings. Nothing here imports splunklib.
"""
import math
from collections.abc import Sequence
from typing import Optional

from acltrace.logs.fields import FIELDS


def one(value) -> Optional[str]:
    """A field's single value (the first of a multivalue field), or None when it is empty."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value or None


def acl_event(record: dict, names: Sequence[str] = FIELDS) -> dict:
    """The core's event for a record: its aclparse fields (or those of ``names``) that have a value,
    one value each."""
    event = {}
    for name in names:
        value = one(record.get(name))
        if value:
            event[name] = value
    return event


# The times a clock can give: from 1970 to the end of year 9999 (Python's datetime, and Splunk's own).
# A _time outside (milliseconds read as seconds, 1e20, a negative one) is no time at all.
LAST_TIME = 253402300799.0


def epoch(value) -> Optional[float]:
    """Splunk's ``_time`` (a field: the first of several values) as epoch seconds in 1970-9999, or None.

    Not the core's ``acltrace.tables.rows.row_time``, which reads a table's cell: it stays a float, as
    the rows the commands write carry it."""
    try:
        time = float(value if type(value) is str else one(value))     # "" a ValueError, as None a TypeError
    except (TypeError, ValueError):
        return None
    return time if 0.0 <= time <= LAST_TIME else None


# The shortest window or timeout: one millisecond keeps the classifier's bucket numbers exact to year 9999
# (the CLI takes the same range).
MIN_SECONDS = 0.001


def seconds(name: str, text, maximum: float) -> float:
    """An option's ``text`` as seconds in [MIN_SECONDS, maximum], or ValueError with a message an admin can
    act on."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = math.nan
    if not MIN_SECONDS <= value <= maximum:
        raise ValueError(f"{name} must be a number of seconds from {MIN_SECONDS} to {maximum:.0f}, not {text!r}")
    return value
