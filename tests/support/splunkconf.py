"""A small reader for Splunk .conf files, for tests that check our configuration.

    from splunkconf import read_conf
    props = read_conf(repo / "default" / "props.conf")
    props["cisco:ios"]["REPORT-acl"]

``read_conf(path) -> dict[str, dict[str, str]]`` maps stanza name to its settings,
in file order. The rules follow Splunk's own reader (see the .conf file docs):

* ``[stanza]`` opens a stanza; settings before the first stanza belong to
  ``"default"``, as they do in Splunk. A stanza that appears twice is merged,
  later settings win.
* ``key = value``: both sides stripped; the key is everything before the first
  ``=`` (keys may contain spaces, colons and ``::``, e.g. ``EXTRACT-x``, ``source::...``).
* A line ending in a backslash continues on the next line; the backslash and
  line break are kept as a newline in the value, as Splunk does.
* Lines whose first non-blank character is ``#`` are comments, blank lines are
  ignored; a ``#`` later in a line is part of the value (Splunk has no trailing
  comments).

Anything else (a line with no ``=`` outside a stanza header, an unclosed
``[``) raises ``ConfError`` with the file and line number, so a malformed conf
file fails the test that reads it.
"""
import pathlib
from typing import Union

__all__ = ["ConfError", "read_conf", "parse_conf"]


class ConfError(ValueError):
    """A line that is not a stanza header, a setting, a comment or blank."""


def parse_conf(text: str, name: str = "<conf>") -> dict[str, dict[str, str]]:
    """Parse the text of a .conf file; ``name`` only appears in error messages."""
    conf: dict[str, dict[str, str]] = {}
    stanza = "default"
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        lineno, line = i + 1, lines[i]
        i += 1
        # Join continuation lines: a trailing backslash keeps a newline in the value.
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + "\n" + lines[i]
            i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            if not stripped.endswith("]"):
                raise ConfError(f"{name}:{lineno}: unclosed stanza header: {stripped!r}")
            stanza = stripped[1:-1]
            conf.setdefault(stanza, {})
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise ConfError(f"{name}:{lineno}: not a 'key = value' setting: {stripped!r}")
        conf.setdefault(stanza, {})[key.strip()] = value.strip()
    return conf


def read_conf(path: Union[str, pathlib.Path]) -> dict[str, dict[str, str]]:
    """Read the .conf file at ``path`` (UTF-8, a BOM allowed) into {stanza: {key: value}}."""
    path = pathlib.Path(path)
    return parse_conf(path.read_text(encoding="utf-8-sig"), str(path))
