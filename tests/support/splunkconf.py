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
import re
from typing import Union

__all__ = ["ConfError", "read_conf", "parse_conf", "expand_macros", "split_pipes", "stats_clause"]


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


# ---------------------------------------------------------------- SPL, read statically

_MACRO = re.compile(r"`([^`(]+)(?:\(([^`)]*)\))?`")


def expand_macros(spl: str, macros: dict, seen: tuple = ()) -> str:
    """``spl`` with every `macro` (`name(a, b)`: the stanza ``name(2)`` with its ``$arg$``s) replaced by its
    definition, recursively. An unknown or self-referring macro raises ``KeyError``."""
    def one(match):
        name, args = match.group(1).strip(), match.group(2)
        values = [] if args is None else [a.strip() for a in args.split(",")]
        key = f"{name}({len(values)})" if args is not None else name
        if key not in macros:
            raise KeyError(f"macro {key} is not in macros.conf")
        if key in seen:
            raise KeyError(f"macro {key} refers to itself")
        definition = macros[key]["definition"]
        for arg, value in zip(macros[key].get("args", "").split(","), values):
            definition = definition.replace(f"${arg.strip()}$", value)
        return expand_macros(definition, macros, seen + (key,))
    return _MACRO.sub(one, spl)


def split_pipes(spl: str) -> list:
    """The commands of a pipeline, split at | outside double quotes and [subsearches], blanks collapsed."""
    parts, current, quoted, depth, i = [], [], False, 0, 0
    while i < len(spl):
        c = spl[i]
        if quoted and c == "\\" and i + 1 < len(spl):
            current.append(spl[i:i + 2])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "[":
            depth += 1
        elif not quoted and c == "]":
            depth -= 1
        if c == "|" and not quoted and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
        i += 1
    parts.append("".join(current))
    return [" ".join(p.split()) for p in parts]


def stats_clause(command: str) -> tuple:
    """([(function, argument, output name)], [by fields]) of a stats or tstats command (``AS`` in any case;
    a tstats ``from datamodel=...`` and the ``span=`` of its by-clause are left out)."""
    name, _, body = command.partition(" ")
    assert name in ("stats", "tstats", "eventstats", "streamstats"), command
    body = re.sub(r"^(?:\s*\w+=(?:\"[^\"]*\"|\S+))+", "", body)
    parts = re.split(r"\s+by\s+", body, maxsplit=1, flags=re.I)
    functions, by = parts[0], parts[1] if len(parts) > 1 else ""
    functions = re.sub(r"\s+from\s+datamodel=\S+", "", functions, flags=re.I)
    aggs = [(fn, arg, alias or (f"{fn}({arg})" if arg else fn)) for fn, arg, alias in re.findall(
        r"(\w+)(?:\(([^()]*)\))?(?:\s+as\s+([\w.]+))?", functions, re.I)]
    fields = [f for f in by.split() if not re.match(r"^\w+=", f)]
    return aggs, fields
