"""Values from logs, devices and SNMP agents are hostile: how they go out of the CLI and its reports.

Anyone who can send a syslog line or answer an SNMP query chooses an ACL name, an interface, a device
name or a sysName. In a CSV file a cell that starts with ``= + - @`` (or a tab or carriage return) is a
formula to a spreadsheet, so ``no_formula`` prefixes it with ``'`` (OWASP's advice on CSV injection). On a
terminal ESC, OSC, BEL and the other control characters, and the bidirectional overrides that reorder
what a reader sees, act instead of printing, so ``printable`` writes them as escapes (``\\x1b``,
``\\u202e``); ``PrintableWriter`` does that to everything written through it.
"""
import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls but tab and line feed, DEL, C1 controls; the bidirectional embeddings, overrides and isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_formula(value: object) -> str:
    """``value`` as the text of a CSV cell that no spreadsheet reads as a formula ("" for None); quoting
    the cell is the CSV writer's."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START) and text != "-":     # a lone "-" (a table's "none") is no formula
        return "'" + text
    return text


def _escape(match: "re.Match") -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with its control characters (but tab and line feed) written as escapes."""
    return _CONTROL.sub(_escape, text)


class PrintableWriter:
    """A text stream for a terminal: everything written to it goes through ``printable``."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def flush(self) -> None:
        self._stream.flush()
