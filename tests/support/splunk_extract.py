"""A small emulator of Splunk's search-time field extraction, for tests.

It reads the app's ``default/props.conf`` and ``default/transforms.conf`` and
applies, to one ``_raw`` of a given sourcetype, the operations this app uses,
in the order of Splunk's "sequence of search-time operations" (Knowledge
Manager Manual):

1. ``EXTRACT-<class>`` (inline extractions), classes in ASCII order of
   ``<class>``, regex applied to ``_raw``;
2. ``REPORT-<class>`` (transform extractions), classes in ASCII order, and
   inside one class the transforms in the order listed;
   (3. automatic key/value extraction, ``KV_MODE``: not emulated -- this app
   does not set ``KV_MODE``, and auto-KV only finds ``key=value`` text)
4. ``FIELDALIAS-<class>``, classes in ASCII order;
5. ``EVAL-<field>`` (calculated fields): every expression is evaluated against
   the event as it stood *before* the first EVAL, so one EVAL cannot see the
   result of another; a null result removes the field;
6. ``LOOKUP-<class>`` (automatic CSV lookups), classes in ASCII order;
7. event types (``eventtypes.conf``) and 8. tags (``tags.conf``).

Extraction semantics kept deliberately strict, so that a test passing here
does not depend on an edge of Splunk's behaviour that we might have wrong:

* A named group that takes part in the match creates the field. A group that
  captured the empty string is recorded in ``Result.empty_captures`` and not
  set (a test should require that list to be empty).
* With ``MV_ADD = false`` (the default) Splunk discards a value found for a
  field that already exists. The emulator does the same, and records every
  such case in ``Result.shadowed`` -- a test should require none, so that no
  field depends on which extraction runs first.
* Regexes are compiled with PCRE2 (the ``pcre2`` package): the same engine
  family as Splunk's, so lookbehinds, ``(?<name>...)`` and possessive
  quantifiers behave as they will in Splunk.

Eval subset (anything else raises ``EvalError``): string literals in double
quotes, numbers, field names (bare or in single quotes), ``.`` concatenation,
``==`` / ``=`` / ``!=``, ``AND`` / ``OR`` / ``NOT``, parentheses, and the
functions ``case``, ``if``, ``coalesce``, ``lower``, ``replace``, ``match``,
``isnull``, ``isnotnull``, ``null``. Null propagates as in Splunk: a
concatenation or a string function of null is null, a comparison with null is
neither true nor false (treated as false by ``if``/``case``/``AND``), and
``match`` of null is null.

Search subset for event types: ``field=value`` and ``field!=value`` (value
case-insensitive, ``*`` wildcard), ``field IN (v1, v2, ...)``, ``NOT``,
``AND`` (also implicit), ``OR``, parentheses. Free-text terms are not
supported (they raise), which keeps event types field-based.
"""
import csv
import pathlib
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

import pcre2
from splunkconf import read_conf  # the shared .conf reader (tests/support/splunkconf.py)


def load_conf(path) -> dict[str, dict[str, str]]:
    return read_conf(path)


# --------------------------------------------------------------------------
# eval
# --------------------------------------------------------------------------
class EvalError(ValueError):
    pass


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>"(?:[^"\\]|\\.)*")
    | (?P<qfield>'(?:[^'\\]|\\.)*')
    | (?P<num>\d+(?:\.\d+)?)
    | (?P<op>==|!=|=|\.|,|\(|\))
    | (?P<word>[A-Za-z_][A-Za-z0-9_:]*)
    )""", re.VERBOSE)


def _tokenize(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise EvalError(f"cannot tokenize eval at {text[pos:]!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _unquote(s: str) -> str:
    body = s[1:-1]
    # Splunk eval strings: \" and \\ are escapes; other backslashes are kept
    return re.sub(r'\\(["\\])', r"\1", body)


class _Unknown:
    """Result of a comparison involving null: neither true nor false."""


UNKNOWN = _Unknown()


def _truth(v) -> bool:
    return v is True


def _splunk_replace(value, regex, replacement):
    if value is None or regex is None or replacement is None:
        return None
    pat = pcre2.compile(regex)

    def expand(m):
        return re.sub(r"\\(\d)", lambda g: m.group(int(g.group(1))) or "", replacement)

    return pat.sub(expand, value)


def _func_case(args):
    if len(args) % 2:
        raise EvalError("case() takes pairs")
    for i in range(0, len(args), 2):
        if _truth(args[i]()):
            return args[i + 1]()
    return None


def _func_if(args):
    if len(args) != 3:
        raise EvalError("if() takes 3 arguments")
    return args[1]() if _truth(args[0]()) else args[2]()


def _func_coalesce(args):
    for a in args:
        v = a()
        if v is not None:
            return v
    return None


def _one(args, name):
    if len(args) != 1:
        raise EvalError(f"{name}() takes 1 argument")
    return args[0]()


def _n(args, count, name):
    if len(args) != count:
        raise EvalError(f"{name}() takes {count} argument(s)")
    return [a() for a in args]


def _func_match(args):
    if len(args) != 2:
        raise EvalError("match() takes 2 arguments")
    value, regex = args[0](), args[1]()
    if value is None or regex is None:
        return None
    return pcre2.compile(regex).search(str(value)) is not None


_FUNCS: dict[str, Callable] = {
    "case": _func_case,
    "if": _func_if,
    "coalesce": _func_coalesce,
    "lower": lambda a: (lambda v: None if v is None else str(v).lower())(_one(a, "lower")),
    "replace": lambda a: _splunk_replace(*_n(a, 3, "replace")),
    "match": _func_match,
    "true": lambda a: _n(a, 0, "true") == [] or None,
    "isnull": lambda a: _one(a, "isnull") is None,
    "isnotnull": lambda a: _one(a, "isnotnull") is not None,
    "null": lambda a: _n(a, 0, "null") and None or None,
}


class _EvalParser:
    """Recursive descent: or > and > not > comparison > concat > atom."""

    def __init__(self, text: str):
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self, value=None):
        if self.i >= len(self.toks):
            return None
        kind, tok = self.toks[self.i]
        if value is None:
            return tok
        return tok if (tok.upper() if kind == "word" else tok) == value else None

    def take(self, value=None):
        tok = self.peek(value)
        if tok is None:
            raise EvalError(f"expected {value!r} at token {self.i} of {self.toks!r}")
        self.i += 1
        return tok

    def parse(self):
        node = self.or_()
        if self.i != len(self.toks):
            raise EvalError(f"trailing tokens: {self.toks[self.i:]!r}")
        return node

    def or_(self):
        left = self.and_()
        while self.peek("OR"):
            self.take()
            right = self.and_()
            def either(ev, lhs=left, r=right):
                a = lhs(ev)
                if a is True:
                    return True
                b = r(ev)
                if b is True:
                    return True
                return UNKNOWN if UNKNOWN in (a, b) else False
            left = either
        return left

    def and_(self):
        left = self.not_()
        while self.peek("AND"):
            self.take()
            right = self.not_()
            left = (lambda lhs, r: lambda ev: _truth(lhs(ev)) and _truth(r(ev)))(left, right)
        return left

    def not_(self):
        if self.peek("NOT"):
            self.take()
            inner = self.not_()
            return lambda ev: (lambda v: UNKNOWN if v is UNKNOWN else not _truth(v))(inner(ev))
        return self.cmp()

    def cmp(self):
        left = self.concat()
        for op in ("==", "=", "!="):
            if self.peek(op):
                self.take()
                right = self.concat()

                def compare(ev, lhs=left, r=right, op=op):
                    a, b = lhs(ev), r(ev)
                    if a is None or b is None:
                        return UNKNOWN
                    return (str(a) == str(b)) if op != "!=" else (str(a) != str(b))
                return compare
        return left

    def concat(self):
        left = self.atom()
        while self.peek("."):
            self.take()
            right = self.atom()

            def cat(ev, lhs=left, r=right):
                a, b = lhs(ev), r(ev)
                return None if a is None or b is None else f"{a}{b}"
            left = cat
        return left

    def atom(self):
        if self.i >= len(self.toks):
            raise EvalError("unexpected end of eval")
        kind, tok = self.toks[self.i]
        self.i += 1
        if kind == "str":
            value = _unquote(tok)
            return lambda ev: value
        if kind == "num":
            return lambda ev: tok
        if kind == "qfield":
            name = _unquote(tok)
            return lambda ev: ev.get(name)
        if tok == "(":
            node = self.or_()
            self.take(")")
            return node
        if kind == "word":
            if self.peek("("):
                func = _FUNCS.get(tok.lower())
                if func is None:
                    raise EvalError(f"eval function {tok}() is outside the emulated subset")
                self.take("(")
                args = []
                if not self.peek(")"):
                    args.append(self.or_())
                    while self.peek(","):
                        self.take()
                        args.append(self.or_())
                self.take(")")
                return lambda ev, f=func, a=args: f([lambda x=x: x(ev) for x in a])
            return lambda ev: ev.get(tok)
        raise EvalError(f"unexpected token {tok!r}")


def compile_eval(expression: str) -> Callable[[dict[str, str]], Optional[str]]:
    node = _EvalParser(expression).parse()

    def run(ev):
        v = node(ev)
        if v is UNKNOWN or v is None:
            return None
        if v is True or v is False:
            raise EvalError(f"eval {expression!r} produced a boolean")
        return str(v)
    return run


# --------------------------------------------------------------------------
# search (event types)
# --------------------------------------------------------------------------
_STOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|(?P<q>"(?:[^"\\]|\\.)*")|(?P<w>[^\s(),"]+))')


def _wild(value: str) -> "re.Pattern":
    return re.compile("^" + ".*".join(re.escape(p) for p in value.split("*")) + "$", re.IGNORECASE)


class _SearchParser:
    def __init__(self, text: str):
        self.toks = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _STOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot tokenize search at {text[pos:]!r}")
            self.toks.append((m.lastgroup, m.group(m.lastgroup)))
            pos = m.end()
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def parse(self):
        node = self.or_()
        if self.i != len(self.toks):
            raise ValueError(f"trailing search tokens {self.toks[self.i:]!r}")
        return node

    def or_(self):
        parts = [self.and_()]
        while self.peek() == ("w", "OR"):
            self.i += 1
            parts.append(self.and_())
        return lambda ev: any(p(ev) for p in parts)

    def and_(self):
        parts = [self.not_()]
        while True:
            kind, tok = self.peek()
            if kind is None or kind in ("rp", "comma") or tok == "OR":
                break
            if tok == "AND":
                self.i += 1
            parts.append(self.not_())
        return lambda ev: all(p(ev) for p in parts)

    def not_(self):
        if self.peek() == ("w", "NOT"):
            self.i += 1
            inner = self.not_()
            return lambda ev: not inner(ev)
        return self.term()

    def value(self):
        kind, tok = self.peek()
        self.i += 1
        if kind == "q":
            return _unquote(tok)
        if kind == "w":
            return tok
        raise ValueError(f"expected a value, got {tok!r}")

    def term(self):
        kind, tok = self.peek()
        if kind == "lp":
            self.i += 1
            node = self.or_()
            if self.peek()[0] != "rp":
                raise ValueError("missing )")
            self.i += 1
            return node
        if kind != "w":
            raise ValueError(f"unexpected {tok!r}")
        self.i += 1
        m = re.fullmatch(r"([A-Za-z_][\w.:]*)(!=|=)(.*)", tok)
        if m:
            name, op, rest = m.groups()
            if rest == "":
                rest = self.value()
            pat = _wild(rest)
            if op == "=":
                return lambda ev: ev.get(name) is not None and bool(pat.match(ev[name]))
            return lambda ev: ev.get(name) is not None and not pat.match(ev[name])
        if self.peek() == ("w", "IN"):
            self.i += 1
            if self.peek()[0] != "lp":
                raise ValueError("IN needs (")
            self.i += 1
            values = [self.value()]
            while self.peek()[0] == "comma":
                self.i += 1
                values.append(self.value())
            if self.peek()[0] != "rp":
                raise ValueError("IN list needs )")
            self.i += 1
            pats = [_wild(v) for v in values]
            return lambda ev, n=tok: ev.get(n) is not None and any(p.match(ev[n]) for p in pats)
        raise ValueError(f"free-text search term {tok!r} is outside the emulated subset")


def compile_search(text: str) -> Callable[[dict[str, str]], bool]:
    return _SearchParser(text).parse()


# --------------------------------------------------------------------------
# the extractor
# --------------------------------------------------------------------------
@dataclass
class Result:
    fields: dict[str, str]
    eventtypes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    shadowed: list[tuple[str, str]] = field(default_factory=list)        # (field, by which extraction)
    empty_captures: list[tuple[str, str]] = field(default_factory=list)  # (field, by which extraction)


def _classes(stanza: dict[str, str], prefix: str) -> list[tuple[str, str]]:
    return sorted((k[len(prefix):], v) for k, v in stanza.items() if k.startswith(prefix))


class SearchTimeExtractor:
    def __init__(self, app_dir):
        app = pathlib.Path(app_dir)
        default = app / "default"
        self.app = app
        self.props = load_conf(default / "props.conf")
        self.transforms = load_conf(default / "transforms.conf")
        self.eventtypes = load_conf(default / "eventtypes.conf") if (default / "eventtypes.conf").exists() else {}
        self.tags = load_conf(default / "tags.conf") if (default / "tags.conf").exists() else {}
        self._regex_cache: dict[str, pcre2.Pattern] = {}
        self._eval_cache: dict[str, Callable] = {}
        self._lookup_cache: dict[str, list[dict[str, str]]] = {}
        self._search_cache: dict[str, Callable] = {}

    # -- pieces ------------------------------------------------------------
    def regex(self, text: str):
        if text not in self._regex_cache:
            self._regex_cache[text] = pcre2.compile(text)
        return self._regex_cache[text]

    def lookup_rows(self, name: str) -> tuple[list[dict[str, str]], bool]:
        stanza = self.transforms.get(name)
        if stanza is not None and stanza.get("external_type") == "kvstore":
            return [], True          # a KV store collection: empty until the app's searches fill it
        if stanza is None or "filename" not in stanza:
            raise KeyError(f"lookup {name!r} has no transforms.conf stanza with a filename")
        if name not in self._lookup_cache:
            path = self.app / "lookups" / stanza["filename"]
            with path.open(newline="", encoding="utf-8") as f:
                self._lookup_cache[name] = list(csv.DictReader(f))
        sensitive = stanza.get("case_sensitive_match", "true").lower() in ("1", "true", "t", "yes")
        return self._lookup_cache[name], sensitive

    def _set(self, ev, res, name, value, source):
        if value is None:
            return
        if value == "":
            res.empty_captures.append((name, source))
            return
        if name in ev:
            res.shadowed.append((name, source))
            return
        ev[name] = value

    def _apply_regex(self, ev, res, regex_text, source_key, fmt, source):
        value = ev.get(source_key)
        if value is None:
            return
        m = self.regex(regex_text).search(value)
        if not m:
            return
        if fmt:
            for pair in fmt.split():
                fname, sep, fval = pair.partition("::")
                if not sep:
                    raise ValueError(f"{source}: FORMAT pair {pair!r} is not name::value")
                fval = re.sub(r"\$(\d+)", lambda g: m.group(int(g.group(1))) or "", fval)
                self._set(ev, res, fname, fval, source)
            return
        for fname, fval in m.groupdict().items():
            self._set(ev, res, fname, fval, source)

    def _apply_lookup(self, ev, spec: str, source: str):
        words = spec.replace(",", " ").split()
        name, rest = words[0], words[1:]
        mode, inputs, outputs, target = None, [], [], None
        i = 0
        target = inputs
        while i < len(rest):
            w = rest[i]
            if w.upper() in ("OUTPUT", "OUTPUTNEW"):
                mode, target = w.upper(), outputs
                i += 1
                continue
            if i + 2 < len(rest) + 1 and i + 1 < len(rest) and rest[i + 1].upper() == "AS":
                target.append((w, rest[i + 2]))
                i += 3
            else:
                target.append((w, w))
                i += 1
        rows, sensitive = self.lookup_rows(name)
        if not outputs:
            columns = rows[0].keys() if rows else []
            outputs = [(c, c) for c in columns if c not in {col for col, _ in inputs}]
            mode = "OUTPUT"
        keys = []
        for col, evf in inputs:
            if evf not in ev:
                return
            keys.append((col, ev[evf]))
        for row in rows:
            if all((row.get(col) == v) if sensitive else (str(row.get(col, "")).lower() == v.lower())
                   for col, v in keys):
                for col, evf in outputs:
                    if row.get(col) in (None, ""):
                        continue
                    if mode == "OUTPUTNEW" and evf in ev:
                        continue
                    ev[evf] = row[col]
                return
        # no match: the event is left as it is (our lookups only ever create fields)

    # -- the sequence ------------------------------------------------------
    def extract(self, sourcetype: str, raw: str, host: Optional[str] = None) -> Result:
        """The fields of ``raw`` indexed under ``sourcetype`` (and ``host``, when given)."""
        stanza = self.props.get(sourcetype, {})
        ev: dict[str, str] = {"_raw": raw, "sourcetype": sourcetype}
        if host is not None:
            ev["host"] = host
        res = Result(fields=ev)
        for cls, regex_text in _classes(stanza, "EXTRACT-"):
            if re.search(r"\sin\s\w+$", regex_text):
                raise ValueError(f"EXTRACT-{cls}: 'in <field>' is outside the emulated subset")
            self._apply_regex(ev, res, regex_text, "_raw", None, f"EXTRACT-{cls}")
        for cls, names in _classes(stanza, "REPORT-"):
            for tname in [n.strip() for n in names.split(",") if n.strip()]:
                t = self.transforms.get(tname)
                if t is None:
                    raise KeyError(f"REPORT-{cls}: no transforms.conf stanza [{tname}]")
                if t.get("MV_ADD", "false").lower() in ("1", "true"):
                    raise ValueError(f"[{tname}] MV_ADD is outside the emulated subset")
                if "DEST_KEY" in t or "DELIMS" in t:
                    raise ValueError(f"[{tname}] DEST_KEY/DELIMS are outside the emulated subset")
                self._apply_regex(ev, res, t["REGEX"], t.get("SOURCE_KEY", "_raw"), t.get("FORMAT"),
                                  f"REPORT-{cls}:{tname}")
        for cls, spec in _classes(stanza, "FIELDALIAS-"):
            words = spec.split()
            for i in range(0, len(words), 3):
                src, as_, dst = words[i:i + 3]
                if as_.upper() not in ("AS", "ASNEW"):
                    raise ValueError(f"FIELDALIAS-{cls}: bad clause {words[i:i + 3]!r}")
                if src in ev and (as_.upper() == "AS" or dst not in ev):
                    ev[dst] = ev[src]
        before = dict(ev)
        computed = {}
        for name, expr in _classes(stanza, "EVAL-"):
            if expr not in self._eval_cache:
                self._eval_cache[expr] = compile_eval(expr)
            computed[name] = self._eval_cache[expr](before)
        for name, value in computed.items():
            if value is None:
                ev.pop(name, None)
            else:
                ev[name] = value
        for cls, spec in _classes(stanza, "LOOKUP-"):
            self._apply_lookup(ev, spec, f"LOOKUP-{cls}")
        for name, et in self.eventtypes.items():
            if name == "default" or "search" not in et:
                continue
            if et["search"] not in self._search_cache:
                self._search_cache[et["search"]] = compile_search(et["search"])
            if self._search_cache[et["search"]](ev):
                res.eventtypes.append(name)
        for et in res.eventtypes:
            for tag, state in self.tags.get(f"eventtype={et}", {}).items():
                if state.strip().lower() == "enabled" and tag not in res.tags:
                    res.tags.append(tag)
        return res
