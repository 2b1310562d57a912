"""The device tables' rows: their kinds and the values in them (text, times, device names, neighbours).

A row is a dict of one kind, ``mac``, ``arp`` or ``neighbor`` (their columns: :mod:`acltrace.tables.show`):
a JSON row's ``kind``, the ``acltrace:<kind>`` sourcetype, one ``Tables`` list each. MACs are written as
:mod:`acltrace.addresses` says, capabilities as :mod:`acltrace.tables.capabilities` says.
Rows come from CSV lookups as much as from code, so every value may be a string and "" means missing.
"""
import math
import re
from functools import lru_cache
from typing import Optional

from acltrace.addresses import ip_version, mac_colon
from acltrace.logs.device_time import END

MAC, ARP, NEIGHBOR = "mac", "arp", "neighbor"
KINDS = (MAC, ARP, NEIGHBOR)

_NXOS_SERIAL = re.compile(r"\([A-Za-z0-9]{6,}\)\Z")  # NX-OS CDP names: 'sw1(FOC123X)'
_LOOKS_LIKE_PORT = re.compile(r"[A-Za-z][A-Za-z-]*\s?\d")


def text(row: dict, key: str) -> str:
    """The row's value for ``key`` as stripped text, "" when missing."""
    value = row.get(key)
    return "" if value is None else str(value).strip()


def row_time(value: object) -> Optional[float]:
    """A row's time (``first_seen``, ``last_seen``, a poll's ``time``) or an event's, as epoch seconds
    from a number or numeric text: an int when whole, so it is written back as the table had it;
    None when missing, unreadable, negative, not finite or past the year 9999 (no calendar date holds
    it: ``acltrace.logs.device_time.in_calendar``; a device clock gone wild or a hostile cell, it is an
    unknown time)."""
    if value is None or value == "":
        return None
    try:
        t = float(value)
    except (TypeError, ValueError, OverflowError):      # OverflowError: an int of 400 digits
        return None
    if not (math.isfinite(t) and 0 <= t < END):
        return None
    return int(t) if t.is_integer() else t


@lru_cache(maxsize=65536)
def display_name(name: str) -> str:
    """A device name without its domain or parenthesised suffix: 'acc-sw1(FOC1)' -> 'acc-sw1'."""
    s = name.strip()
    if s.endswith(")"):      # 'acc-sw1 (FOC123)', 'sw1(anything)': from the last '(' with no ')' after it
        opening = s.find("(", s.rfind(")", 0, len(s) - 1) + 1, len(s) - 1)
        if opening >= 0:
            s = s[:opening].rstrip()
    return s if ip_version(s) else s.split(".", 1)[0]


def name_key(name: str) -> str:
    """Match device names loosely: no domain, no suffix, any case."""
    return display_name(name).lower()


def neighbor_name(value: str) -> str:
    """A neighbour's name as the device gave it, without an NX-OS ``(serial)`` suffix."""
    return _NXOS_SERIAL.sub("", value.strip())


def neighbor_port(port_id: str, description: str = "") -> str:
    """The neighbour's port: its LLDP port id when that names an interface, else the port description."""
    port_id, description = port_id.strip(), description.strip()
    if port_id and (not description or (_LOOKS_LIKE_PORT.match(port_id) and mac_colon(port_id) is None)):
        return port_id
    return description or port_id
