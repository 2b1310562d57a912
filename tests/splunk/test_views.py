"""Dashboards, navigation and field actions: every name they use exists, every token is defined.

Each view in default/data/ui/views is read as Simple XML (root <dashboard> or <form>,
version="1.1"; a Dashboard Studio view, version="2", must hold valid JSON whose queries pass the
same SPL checks). For every search:

* it has a <query> and, unless it is a post-process (base= one of the view's search ids) or starts
  with a generating command ("| makeresults", "| inputlookup"), an <earliest> and a <latest>;
* every `macro` (with arguments: name(n)) is in macros.conf; the query is expanded recursively;
* every command (the first word after each | outside quotes) is ours (commands.conf) or one of
  SPLUNK_COMMANDS, the built-in commands the views and field actions use;
* every lookup (inputlookup, lookup, outputlookup) is a transforms.conf stanza, and the columns a
  `lookup` reads and writes are in its CSV header;
* the fields are followed through the pipeline where they are known: after aclincidents they are
  its COLUMNS (bin/aclincidents.py), mactrace adds TRACE_FIELDS (bin/mactrace.py), eval/rex/spath/
  lookup/fillnull/streamstats add theirs, table/fields/stats/top/inputlookup set them. Fields a
  command names (table, stats, sort, by-clauses, ...) must exist then; so must the fields of the
  panel's <fields>, <format field=...>, the drilldown's $row.x$ and a <done>'s $result.x$. After
  a search of raw events, timechart or chart the fields are unknown and not checked.

Tokens: every $token$ (in text and attributes; $$ is a literal $) is defined by an <input>
(time inputs give tok.earliest and tok.latest), a <set>/<eval>/<unset>, or is a built-in of its
place: $row.x$, $click.x$, $earliest$, $latest$ in a <drilldown>, $result.x$ and $job.x$ in a
search's <done>/<progress>, $env:x$ anywhere. Links (<link> in drilldowns, <a href> in <html>)
to /app/acltrace/<view> must name a view that exists, and the form.<token> they pass must be an
input of that view.

Navigation: every <view> exists, except acltrace_configuration, the SNMP input's configuration
page that another change adds (EXPECTED_VIEWS): Splunk leaves a nav entry whose view does not exist
out of the menu, so the nav can name it first; once the file exists it is a view like the others
and this test checks it. Saved searches named or matched exist. Field actions
(workflow_actions.conf): only the spec's settings, fields that ACL events have at search time, and
the same view, macro, command and lookup checks for their links and searches.
"""
import ast
import csv
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import REPO
from splunkconf import read_conf

from acltrace.logs.fields import FIELDS
from acltrace.triage.incidents import INCIDENT_COLUMNS as CORE_INCIDENT_COLUMNS

DEFAULT = REPO / "default"
VIEWS_DIR = DEFAULT / "data" / "ui" / "views"
NAV = DEFAULT / "data" / "ui" / "nav" / "default.xml"
VIEW_FILES = sorted(VIEWS_DIR.glob("*.xml"))
VIEW_NAMES = {path.stem for path in VIEW_FILES}


def _conf(name):
    return {stanza: s for stanza, s in read_conf(DEFAULT / name).items() if stanza != "default"}


MACROS = _conf("macros.conf")
COMMANDS = set(_conf("commands.conf"))
TRANSFORMS = _conf("transforms.conf")
LOOKUPS = {name for name, s in TRANSFORMS.items() if "filename" in s or "collection" in s}
SAVED = set(_conf("savedsearches.conf"))
EVENTTYPES = set(_conf("eventtypes.conf"))
WORKFLOW = _conf("workflow_actions.conf")

# Splunk's own commands the views and field actions use (a typo is neither ours nor these).
SPLUNK_COMMANDS = {"search", "where", "eval", "table", "fields", "stats", "eventstats", "streamstats", "timechart",
                   "chart", "top", "sort", "bin", "fillnull", "rename", "dedup", "head", "makeresults",
                   "inputlookup", "lookup", "outputlookup", "rex", "spath", "makemv", "mvexpand", "xyseries",
                   "addinfo", "savedsearch"}
# Splunk's own views an app's links and nav may name.
BUILTIN_VIEWS = {"search", "reports", "alerts", "dashboards", "datasets", "analytics_workspace", "job_manager"}
# Views the nav may name before they exist (see the module docstring).
EXPECTED_VIEWS = {"acltrace_configuration"}
# The dashboards issue 6 asks for: view -> label.
DASHBOARDS = {"acltrace_overview": "ACL overview", "acltrace_triage": "Backscatter triage",
              "acltrace_mac_trace": "MAC trace", "acltrace_collection_health": "Collection health"}
# Elements Splunk deprecated (AppInspect fails them) in favour of <search>/<query>/<earliest>/<latest>.
DEPRECATED = {"searchString", "searchTemplate", "searchName", "searchPostProcess", "earliestTime", "latestTime",
              "populatingSearch", "populatingSavedSearch", "list", "seed"}
VISUALIZATIONS = {"table", "chart", "single", "event", "map", "viz", "html"}
HANDLERS = {"done", "progress", "finalized", "preview", "cancelled", "error", "fail"}


def _constant(path, name):
    """A module-level constant of a file of bin/, read without importing it (splunklib is not needed)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError(f"{name} not found in {path}")


INCIDENT_COLUMNS = ("_time",) + CORE_INCIDENT_COLUMNS     # aclincidents' rows (bin/aclincidents.py)
TRACE_FIELDS = _constant(REPO / "bin" / "mactrace.py", "TRACE_FIELDS")
LABEL_FIELDS = _constant(REPO / "bin" / "backscatter.py", "LABEL_FIELDS")


def lookup_columns(name):
    """The CSV header of a lookup's file, or None (a KV store collection: its fields_list)."""
    stanza = TRANSFORMS.get(name, {})
    if "filename" in stanza:
        with open(REPO / "lookups" / stanza["filename"], encoding="utf-8", newline="") as f:
            return set(next(csv.reader(f)))
    if "fields_list" in stanza:
        return {c.strip() for c in stanza["fields_list"].split(",")}
    return None


def search_time_fields():
    """Fields ACL events have at search time: transforms' named groups, props' EVAL-/LOOKUP outputs."""
    names = {"host", "source", "sourcetype", "index", "_time", "_raw", "eventtype", "tag"}
    for stanza in TRANSFORMS.values():
        names.update(re.findall(r"\(\?<(\w+)>", stanza.get("REGEX", "")))
    for stanza in _conf("props.conf").values():
        for key, value in stanza.items():
            if key.startswith("EVAL-"):
                names.add(key[5:])
            elif key.startswith("LOOKUP-"):
                names.update(re.findall(r"\bAS\s+(\w+)", value.split("OUTPUT", 1)[-1]))
    return names


# ---------------------------------------------------------------- SPL

_MACRO = re.compile(r"`([^`(]+)(?:\(([^`)]*)\))?`")


def expand(spl, problems, seen=()):
    """``spl`` with every `macro` replaced by its definition; an unknown one is a problem."""
    def one(match):
        name, args = match.group(1).strip(), match.group(2)
        values = [] if args is None else [a.strip() for a in args.split(",")]
        key = f"{name}({len(values)})" if args is not None else name
        if key not in MACROS:
            problems.append(f"macro {key} is not in macros.conf")
            return "search MACRO"
        if key in seen:
            problems.append(f"macro {key} refers to itself")
            return "search MACRO"
        definition = MACROS[key]["definition"]
        for arg, value in zip(MACROS[key].get("args", "").split(","), values):
            definition = definition.replace(f"${arg.strip()}$", value)
        return expand(definition, problems, seen + (key,))
    return _MACRO.sub(one, spl)


def untokened(spl):
    """The SPL Splunk would run, with each $token$ a placeholder ($tok|s$ quoted) and $$ a literal $."""
    spl = spl.replace("$$", "\0")
    spl = re.sub(r"\$[^$\s]+?\|s\$", '"TOKEN"', spl)
    spl = re.sub(r"\$[^$\s]+?\$", "TOKEN", spl)
    return spl.replace("\0", "$")


def split_pipes(spl):
    """The commands of a pipeline, split at | outside double quotes and [subsearches]."""
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


def words(text):
    return re.findall(r'[\w.]+="(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*"|[^\s,]+', text)


def _top_level(text, sep=","):
    """``text`` split at ``sep`` outside quotes and parentheses."""
    parts, current, quoted, depth = [], [], False, 0
    for c in text:
        if c == '"':
            quoted = not quoted
        elif not quoted and c == "(":
            depth += 1
        elif not quoted and c == ")":
            depth -= 1
        if c == sep and not quoted and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(c)
    parts.append("".join(current))
    return parts


def aggregates(text):
    """[(function, argument, output name)] of a stats-like clause: count, sum(x) as y, ..."""
    out, i = [], 0
    while i < len(text):
        m = re.compile(r"\s*(\w+)").match(text, i)
        if not m:
            break
        fn, i, arg = m.group(1), m.end(), ""
        if i < len(text) and text[i] == "(":
            depth, j = 0, i
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            arg, i = text[i + 1:j], j + 1
        alias = re.compile(r"\s+as\s+(\w+)", re.I).match(text, i)
        if alias:
            i = alias.end()
        name = alias.group(1) if alias else (f"{fn}({arg})" if arg else fn)
        out.append((fn, arg, name))
    return out


def _options(tokens):
    """``tokens`` without the leading key=value options."""
    while tokens and re.match(r"^\w+=", tokens[0]):
        tokens = tokens[1:]
    return tokens


class Pipeline:
    """Checks one pipeline: commands, lookups, saved searches, and the fields it names where known."""

    def __init__(self, where, problems):
        self.where, self.problems = where, problems

    def problem(self, text):
        self.problems.append(f"{self.where}: {text}")

    def need(self, fields, known, command):
        if known is None:
            return
        for field in fields:
            if field not in known and "*" not in field:
                self.problem(f"{command.split()[0]}: field {field!r} is not in the pipeline here ({sorted(known)})")

    def run(self, spl, known=None, post_process=False):
        """The fields after ``spl`` (None: unknown). ``known``: the fields it starts with."""
        problems = []
        spl = expand(untokened(spl), problems)
        for p in problems:
            self.problem(p)
        commands = split_pipes(spl.strip())
        if not post_process:
            if commands[0]:              # a search of events: their fields are not known here
                known = None
            commands = commands[1:]
        elif not commands[0]:            # a post-process may start with a pipe
            commands = commands[1:]
        for command in commands:
            known = self.command(command, known)
        return known

    def command(self, command, known):  # noqa: C901 (one branch per command)
        name, _, args = command.partition(" ")
        tokens = words(args)
        if name not in COMMANDS | SPLUNK_COMMANDS:
            self.problem(f"unknown command {name!r} in {command!r}")
            return None
        if name == "aclparse":
            return None if known is None else known | set(FIELDS)
        if name == "backscatter":
            return None if known is None else known | set(LABEL_FIELDS)
        if name == "aclincidents":
            return set(INCIDENT_COLUMNS)
        if name == "mactrace":
            return None if known is None else known | set(TRACE_FIELDS)
        if name == "showtables":
            return None
        if name == "makeresults":
            return {"_time"}
        if name in ("inputlookup", "outputlookup", "lookup"):
            return self.lookup(name, _options(tokens), known, command)
        if name == "savedsearch":
            title = " ".join(_options(tokens)).strip('"')
            if title not in SAVED:
                self.problem(f"saved search {title!r} is not in savedsearches.conf")
            return None
        if name == "eval":
            new = {m.group(1) for part in _top_level(args)
                   if (m := re.match(r"\s*([A-Za-z_][\w.]*)\s*=(?!=)", part))}
            return None if known is None else known | new
        if name in ("table", "fields"):
            if tokens[:1] == ["-"]:
                return None if known is None else known - set(tokens[1:])
            tokens = [t for t in tokens if t != "+"]
            self.need(tokens, known, command)
            return None if any("*" in t for t in tokens) else set(tokens)
        if name == "rename":
            pairs = re.findall(r"(\S+)\s+as\s+(\S+)", args, re.I)
            self.need([a for a, _ in pairs], known, command)
            return None if known is None else (known - {a for a, _ in pairs}) | {b for _, b in pairs}
        if name in ("stats", "eventstats", "streamstats", "chart", "timechart", "top", "xyseries"):
            return self.stats(name, args, known, command)
        if name in ("sort", "dedup"):
            fields = [t.lstrip("+-") for t in _options(tokens) if not t.isdigit() and t not in ("-", "+")]
            self.need([f for f in fields if f], known, command)
            return known
        if name in ("bin", "makemv", "mvexpand"):
            self.need(_options(tokens)[:1], known, command)
            return known
        if name == "fillnull":
            fields = _options(tokens)
            return None if known is None or not fields else known | set(fields)
        if name == "rex":
            field = re.search(r"\bfield=(\w+)", args)
            self.need([field.group(1)] if field else ["_raw"], known, command)
            return None if known is None else known | set(re.findall(r"\(\?<(\w+)>", args))
        if name == "spath":
            source = re.search(r"\binput=(\w+)", args)
            self.need([source.group(1)] if source else [], known, command)
            out = re.search(r"\boutput=(\w+)", args)
            return None if known is None or not out else known | {out.group(1)}
        if name == "addinfo":
            return None if known is None else known | {"info_min_time", "info_max_time", "info_sid",
                                                       "info_search_time"}
        return known                                        # search, where, head: fields unchanged

    def stats(self, name, args, known, command):
        body = re.sub(r"^(?:\s*\w+=\S+)+", "", args)
        if name == "top":
            parts = re.split(r"\s+by\s+", body, flags=re.I)
            fields = words(parts[0]) + (words(parts[1]) if len(parts) > 1 else [])
            self.need(fields, known, command)
            percent = not re.search(r"showperc=(?:f|false|0)\b", args, re.I)
            return set(fields) | {"count"} | ({"percent"} if percent else set())
        if name == "xyseries":
            self.need(words(body), known, command)
            return None
        by = re.split(r"\s+(?:by|over)\s+", body, flags=re.I)
        aggs = aggregates(by[0])
        groups = [w for part in by[1:] for w in words(part) if not re.match(r"^\w+=", w)]
        inputs = [arg for _, arg, _ in aggs if re.fullmatch(r"\w+", arg)]
        self.need(inputs + groups, known, command)
        if name in ("chart", "timechart"):
            return None                                     # columns are values of the data
        outputs = {out for _, _, out in aggs} | set(groups)
        if name == "stats":
            return outputs
        return None if known is None else known | outputs

    def lookup(self, name, tokens, known, command):
        if not tokens:
            self.problem(f"{command!r} names no lookup")
            return None
        table = tokens[0]
        if table not in LOOKUPS:
            self.problem(f"{name}: lookup {table!r} is not a transforms.conf stanza with a file or collection")
            return None
        columns = lookup_columns(table)
        if name == "inputlookup":
            return columns
        if name == "outputlookup":
            return known
        spec = " ".join(tokens[1:])
        split = re.search(r"\bOUTPUT(?:NEW)?\b", spec)
        inputs, outputs = (spec[:split.start()], spec[split.end():]) if split else (spec, "")
        pairs_in = re.findall(r"(\w+)(?:\s+as\s+(\w+))?", inputs, re.I)
        pairs_out = re.findall(r"(\w+)(?:\s+as\s+(\w+))?", outputs, re.I)
        if columns is not None:
            for column, _ in pairs_in + pairs_out:
                if column not in columns:
                    self.problem(f"lookup {table}: no column {column!r} (it has {sorted(columns)})")
        self.need([alias or column for column, alias in pairs_in], known, command)
        return None if known is None else known | {alias or column for column, alias in pairs_out}


# ---------------------------------------------------------------- views

_TOKEN = re.compile(r"\$([^$\s]+?)\$")


def token_names(text):
    """The tokens of ``text`` (filters dropped) and whether a lone $ is left over."""
    text = (text or "").replace("$$", "")
    names = [m.group(1).split("|")[0] for m in _TOKEN.finditer(text)]
    return names, "$" in _TOKEN.sub("", text)


def defined_tokens(root):
    names = set()
    for el in root.iter("input"):
        token = el.get("token")
        if el.get("type") == "time":
            names |= {f"{token}.earliest", f"{token}.latest"}
        elif token:
            names.add(token)
    for el in root.iter():
        if el.tag in ("set", "eval", "unset") and el.get("token"):
            names.add(el.get("token"))
    return names


def view_inputs(name):
    """The form tokens a view takes (form.<token> in its URL)."""
    path = VIEWS_DIR / f"{name}.xml"
    if not path.exists():
        return set()
    root = ET.parse(path).getroot()
    names = set()
    for el in root.iter("input"):
        token = el.get("token")
        names |= {f"{token}.earliest", f"{token}.latest"} if el.get("type") == "time" else {token}
    return names


def check_link(url, where, problems):
    """A link from a view or field action: an /app/acltrace/<view> (or relative <view>) that exists, and
    form.<token> parameters that are inputs of that view."""
    url = url.strip()
    if not url:
        problems.append(f"{where}: empty link")
        return
    parts = urlsplit(url.replace("$", "%24"))
    if parts.scheme:
        if parts.scheme != "https":
            problems.append(f"{where}: link {url!r} is not https")
        return
    path = parts.path
    if path.startswith("/app/"):
        segments = path.split("/")
        if len(segments) < 4 or segments[2] != "acltrace":
            problems.append(f"{where}: link {url!r} is not to a view of /app/acltrace/")
            return
        view = segments[3]
    elif path.startswith("/"):
        problems.append(f"{where}: link {url!r} is not under /app/acltrace/")
        return
    else:
        view = path.split("/")[0]
    if view not in VIEW_NAMES | BUILTIN_VIEWS:
        problems.append(f"{where}: link to view {view!r}, which does not exist")
        return
    if view in VIEW_NAMES:
        inputs = view_inputs(view)
        for key, _ in parse_qsl(parts.query, keep_blank_values=True):
            if key.startswith("form.") and key[5:] not in inputs:
                problems.append(f"{where}: link passes {key}, but view {view} has no input {key[5:]!r}")


def check_tokens(root, problems, name):
    defined = defined_tokens(root)

    def walk(el, context):
        if el.tag == "drilldown":
            context = context | {"row.", "click.", "earliest", "latest", "trellis."}
        if el.tag in HANDLERS:
            context = context | {"result.", "job."}
        texts = [el.text or "", el.tail or ""] + list(el.attrib.values())
        for text in texts:
            found, stray = token_names(text)
            if stray:
                problems.append(f"{name}: <{el.tag}> has a lone $ (write $$ for a literal $): {text.strip()[:80]!r}")
            for token in found:
                ok = (token in defined or token.startswith("env:")
                      or token.startswith("form.") and token[5:] in defined
                      or any(token == c or c.endswith(".") and token.startswith(c) for c in context))
                if not ok:
                    problems.append(f"{name}: token ${token}$ in <{el.tag}> is not defined")
        for child in el:
            walk(child, context)
    walk(root, frozenset())


def check_simple_xml(path):
    """Every problem of one Simple XML view (an empty list: none)."""
    problems, name = [], path.stem
    root = ET.parse(path).getroot()
    if root.tag not in ("dashboard", "form"):
        return [f"{name}: root is <{root.tag}>, not <dashboard> or <form>"]
    if root.get("version") == "2":
        return check_studio(root, name)
    if root.get("version") != "1.1":
        problems.append(f"{name}: version is {root.get('version')!r}, not \"1.1\"")
    if not (root.findtext("label") or "").strip():
        problems.append(f"{name}: no <label>")
    for el in root.iter():
        if el.tag in DEPRECATED:
            problems.append(f"{name}: deprecated element <{el.tag}>")
    rows = root.findall("row")
    if not rows:
        problems.append(f"{name}: no <row>")
    for row in rows:
        panels = row.findall("panel")
        if not panels:
            problems.append(f"{name}: a <row> without <panel>")
        for panel in panels:
            vizzes = [c for c in panel if c.tag in VISUALIZATIONS]
            if not vizzes:
                problems.append(f"{name}: panel {panel.findtext('title')!r} has no visualization")
            for viz in vizzes:
                if viz.tag != "html" and viz.find("search") is None:
                    problems.append(f"{name}: <{viz.tag}> in panel {panel.findtext('title')!r} has no <search>")

    # Searches: the global ones by id first (post-processes start from their base's fields).
    searches = list(root.iter("search"))
    ids = [s.get("id") for s in searches if s.get("id")]
    if len(ids) != len(set(ids)):
        problems.append(f"{name}: search ids repeat: {ids}")
    by_id = {s.get("id"): s for s in searches if s.get("id")}
    fields_of = {}

    def fields(search):
        if id(search) in fields_of:
            return fields_of[id(search)]
        fields_of[id(search)] = None                     # a cycle of bases stays unknown
        where = f"{name}: search {search.get('id') or (search.findtext('query') or '').strip()[:60]!r}"
        pipeline, query = Pipeline(where, problems), search.findtext("query")
        if search.get("ref"):
            if search.get("ref") not in SAVED:
                problems.append(f"{where}: ref {search.get('ref')!r} is not a saved search")
            return None
        if query is None or not query.strip():
            problems.append(f"{where}: no <query>")
            return None
        base = search.get("base")
        if base is not None:
            if base not in by_id:
                problems.append(f"{where}: base {base!r} is not a search id of this view")
                return None
            result = pipeline.run(query, fields(by_id[base]), post_process=True)
        else:
            if not query.strip().startswith("|"):
                for bound in ("earliest", "latest"):
                    if not (search.findtext(bound) or "").strip():
                        problems.append(f"{where}: a search of events without <{bound}>")
            result = pipeline.run(query)
        fields_of[id(search)] = result
        return result

    for search in searches:
        fields(search)
    for viz in root.iter():
        search = viz.find("search") if viz.tag in VISUALIZATIONS else None
        if search is None:
            continue
        known = fields(search)
        named = []
        if viz.find("fields") is not None:
            named += [f.strip().strip('"') for f in re.split(r"[,\s\[\]]+", viz.findtext("fields")) if f.strip()]
        named += [f.get("field") for f in viz.findall("format") if f.get("field")]
        for drilldown in viz.findall("drilldown"):
            for el in drilldown.iter():
                named += [el.get("field")] if el.tag == "condition" and el.get("field") not in (None, "*") else []
                for text in [el.text or ""] + list(el.attrib.values()):
                    named += [t[4:] for t in token_names(text)[0] if t.startswith("row.")]
        if known is not None:
            for field in named:
                if field not in known:
                    problems.append(f"{name}: <{viz.tag}> names field {field!r}, which its search does not give "
                                    f"({sorted(known)})")
    for search in searches:
        known = fields(search)
        for handler in search:
            if handler.tag in HANDLERS and known is not None:
                for el in handler.iter():
                    for token in token_names(el.text or "")[0]:
                        if token.startswith("result.") and token[7:] not in known:
                            problems.append(f"{name}: ${token}$ is not a field of its search ({sorted(known)})")
    check_tokens(root, problems, name)
    for el in root.iter("link"):
        check_link(el.text or "", f"{name}: <link>", problems)
    for html in root.iter("html"):
        for a in html.iter("a"):
            check_link(a.get("href", ""), f"{name}: <a href>", problems)
    return problems


def check_studio(root, name):
    """A Dashboard Studio view: its definition is JSON and its queries pass the SPL checks."""
    problems = []
    try:
        definition = json.loads(root.findtext("definition") or "")
    except ValueError as e:
        return [f"{name}: the Studio definition is not JSON: {e}"]
    for key, source in definition.get("dataSources", {}).items():
        query = source.get("options", {}).get("query")
        if query:
            Pipeline(f"{name}: dataSource {key}", problems).run(
                query, post_process=source.get("type") == "ds.chain")
    return problems


@pytest.mark.parametrize("path", VIEW_FILES, ids=[p.stem for p in VIEW_FILES])
def test_view_is_valid_and_every_name_and_token_exists(path):
    assert check_simple_xml(path) == []


def test_the_dashboards_the_issue_names_exist_with_a_time_picker_and_the_base_macro():
    assert set(DASHBOARDS) <= VIEW_NAMES
    for name, label in DASHBOARDS.items():
        root = ET.parse(VIEWS_DIR / f"{name}.xml").getroot()
        assert root.findtext("label") == label
        assert [i for i in root.iter("input") if i.get("type") == "time"], f"{name} has no time picker"
        queries = " ".join(q.text or "" for q in root.iter("query"))
        bases = ("`acltrace_collector_events`",) if name == "acltrace_collection_health" else (
            "`acltrace_summary_index`", "inputlookup acltrace_findings")
        assert any(b in queries for b in bases), name
        for search in root.iter("search"):       # every event search has the time picker's range
            query = (search.findtext("query") or "").strip()
            if search.get("base") is None and not query.startswith("|") and "$sel_" not in (
                    search.findtext("earliest") or ""):
                assert search.findtext("earliest") == "$time.earliest$", (name, query)
                assert search.findtext("latest") == "$time.latest$", (name, query)


def test_triage_shows_traced_findings_with_a_drilldown_and_an_hour_by_day_heatmap():
    root = ET.parse(VIEWS_DIR / "acltrace_triage.xml").getroot()
    queries = {s.get("id"): s.findtext("query") for s in root.iter("search")}
    assert queries["findings"].startswith("| inputlookup acltrace_findings | `acltrace_findings_in_range`")
    assert queries["hourly"].startswith("`acltrace_summary_index`")
    table = next(t for t in root.iter("table") if t.find("search").get("base") == "findings"
                 and t.find("fields") is not None)
    shown = {f.strip() for f in table.findtext("fields").split(",")}
    assert {"label", "dvc", "src_interface", "src_mac", "trace_switch", "trace_port", "dest_net", "events",
            "first_seen", "last_seen", "updated", "explanation"} <= shown
    sets = {s.get("token"): s.text for s in table.iter("set")}
    # one token per value of the clicked finding (each enters the events' search quoted: see
    # test_no_value_from_the_data_enters_a_search_unquoted)
    assert set(sets) >= {"sel_label", "sel_dvc", "sel_interface", "sel_mac", "sel_src_ip", "sel_earliest",
                         "sel_latest"}
    assert all(sets[t] == f"$row.drill_{t[4:]}$" for t in ("sel_dvc", "sel_interface", "sel_mac", "sel_src_ip",
                                                           "sel_earliest", "sel_latest"))
    heatmap = next(t for t in root.iter("table") if "chart" in (t.findtext("search/query") or ""))
    assert "over day by hour" in heatmap.findtext("search/query")
    assert heatmap.find("format[@type='color']") is not None


def test_mac_trace_normalises_any_notation_in_spl():
    """The view's normalisation, run with Python's re on the notations an admin types."""
    root = ET.parse(VIEWS_DIR / "acltrace_mac_trace.xml").getroot()
    query = untokened(next(s for s in root.iter("search") if s.get("id") == "trace").findtext("query"))
    strip = re.search(r'replace\(input, "([^"]+)", ""\)', query).group(1)
    check, pattern, template = re.search(
        r'match\(src_mac, "([^"]+)"\), replace\(src_mac, "([^"]+)", "([^"]+)"\)', query).groups()
    for typed in ("000d.56aa.1b2c", "00-0D-56-AA-1B-2C", "00:0d:56:aa:1b:2c", "000D56AA1B2C", " 000d.56aa.1b2c "):
        mac = re.sub(strip, "", typed).lower()
        assert re.search(check, mac)
        assert re.sub(pattern, template, mac) == "00:0d:56:aa:1b:2c", typed


def test_the_checks_find_what_is_wrong(tmp_path):
    """The checker itself: a view with one of each mistake gets one problem for each."""
    bad = tmp_path / "bad.xml"
    bad.write_text("""<form version="1.1"><label>x</label>
      <fieldset><input type="text" token="mac"/></fieldset>
      <search id="s"><query>`acltrace_nope` | aclincidents</query></search>
      <row><panel><table>
        <search base="s"><query>table label no_such_field</query></search>
        <drilldown><link>/app/acltrace/no_view?form.zzz=$row.label$</link>
          <set token="t">$undefined_token$</set></drilldown>
      </table></panel>
      <panel><table><search base="missing"><query>stats count</query></search></table></panel>
      <panel><table><search><query>| inputlookup no_lookup | frobnicate | eval x="$5"</query></search></table></panel>
      </row></form>""")
    problems = "\n".join(check_simple_xml(bad))
    for expected in ("macro acltrace_nope", "unknown command 'frobnicate'", "a search of events without <earliest>",
                     "field 'no_such_field'", "view 'no_view'", "$undefined_token$", "base 'missing'",
                     "lookup 'no_lookup'", "lone $"):
        assert expected in problems, (expected, problems)


# ---------------------------------------------------------------- navigation

def test_nav_has_the_dashboards_configuration_saved_searches_and_search():
    root = ET.parse(NAV).getroot()
    assert root.tag == "nav"
    assert root.get("search_view", "search") in VIEW_NAMES | BUILTIN_VIEWS
    views = [v.get("name") for v in root.iter("view")]
    for view in views:
        assert view in VIEW_NAMES | BUILTIN_VIEWS | EXPECTED_VIEWS, f"nav names view {view!r}, which does not exist"
    assert set(DASHBOARDS) | {"acltrace_configuration", "search"} <= set(views)
    assert [v.get("name") for v in root.iter("view") if v.get("default") == "true"] == ["acltrace_triage"]
    saved = list(root.iter("saved"))
    assert saved
    for el in saved:
        if el.get("name"):
            assert el.get("name") in SAVED
        if el.get("match"):
            assert [s for s in SAVED if el.get("match") in s], el.get("match")
            assert el.get("source") in ("unclassified", "all")
    assert {s for s in SAVED if any(e.get("match", "\0") in s or e.get("name") == s for e in saved)} == SAVED


def test_views_are_readable_by_everyone():
    meta = read_conf(REPO / "metadata" / "default.meta")
    for stanza in ("views", "nav"):
        access = meta.get(stanza, meta.get("", {})).get("access", "")
        assert re.search(r"read\s*:\s*\[\s*\*\s*\]", access), stanza


# ---------------------------------------------------------------- field actions

SPEC = {"type", "label", "fields", "eventtypes", "display_location", "disabled", "link.uri", "link.target",
        "link.method", "search.search_string", "search.app", "search.view", "search.target", "search.earliest",
        "search.latest", "search.preserve_timerange"}
SEARCH_TIME = search_time_fields()


def _list(value):
    return [v for v in re.split(r"[,\s]+", value or "") if v]


def check_workflow_action(name, action):
    problems = []
    where = f"workflow action {name}"
    unknown = set(action) - SPEC - {k for k in action if re.match(r"link\.postargs\.\d+\.(key|value)$", k)}
    if unknown:
        problems.append(f"{where}: settings not in workflow_actions.conf.spec: {sorted(unknown)}")
    kind = action.get("type")
    if kind not in ("link", "search"):
        problems.append(f"{where}: type {kind!r}")
    if not action.get("label"):
        problems.append(f"{where}: no label")
    if action.get("display_location") not in ("field_menu", "event_menu", "both"):
        problems.append(f"{where}: display_location {action.get('display_location')!r}")
    fields = _list(action.get("fields"))
    if not fields:
        problems.append(f"{where}: no fields (it would show on every field)")
    for field in fields:
        if field not in SEARCH_TIME:
            problems.append(f"{where}: field {field!r} is not a field ACL events have at search time")
    for eventtype in _list(action.get("eventtypes")):
        if eventtype not in EVENTTYPES:
            problems.append(f"{where}: eventtype {eventtype!r} is not in eventtypes.conf")
    for key in ("label", "link.uri", "search.search_string"):
        for token in token_names(action.get(key, ""))[0]:
            if not token.startswith("@") and token.lstrip("!") not in fields:
                problems.append(f"{where}: {key} uses ${token}$, which is not one of its fields")
    if kind == "link":
        check_link(action.get("link.uri", ""), where, problems)
        if action.get("link.method", "get") not in ("get", "post"):
            problems.append(f"{where}: link.method {action.get('link.method')!r}")
        if action.get("link.target", "blank") not in ("blank", "self"):
            problems.append(f"{where}: link.target {action.get('link.target')!r}")
    if kind == "search":
        spl = action.get("search.search_string", "")
        if not spl:
            problems.append(f"{where}: no search.search_string")
        Pipeline(where, problems).run(spl)
        if action.get("search.app", "acltrace") != "acltrace":
            problems.append(f"{where}: search.app {action.get('search.app')!r}")
        if action.get("search.view", "search") not in VIEW_NAMES | BUILTIN_VIEWS:
            problems.append(f"{where}: search.view {action.get('search.view')!r} does not exist")
        if action.get("search.target", "blank") not in ("blank", "self"):
            problems.append(f"{where}: search.target {action.get('search.target')!r}")
    return problems


@pytest.mark.parametrize("name", sorted(WORKFLOW))
def test_workflow_action_is_valid(name):
    assert check_workflow_action(name, WORKFLOW[name]) == []


def test_workflow_actions_the_issue_names():
    by_field = {}
    for action in WORKFLOW.values():
        for field in _list(action["fields"]):
            by_field.setdefault(field, []).append(action)
    mac = by_field["src_mac"]
    assert any(a["type"] == "link" and a["link.uri"] == "/app/acltrace/acltrace_mac_trace?form.mac=$src_mac$"
               for a in mac)
    for field in ("src_ip", "dest_ip"):
        # the address first, so backscatter labels its events, not every ACL event of the range
        assert any(a["type"] == "search" and a["search.search_string"].startswith(
            f'`acltrace_acl_events` "${field}$" | aclparse | search {field}="${field}$" | backscatter |')
            for a in by_field[field])
    assert any(a["search.search_string"].startswith('| inputlookup acltrace_findings | search src_ip="$src_ip$"')
               for a in by_field["src_ip"])
    host = [a for a in by_field["host"] if "sourcetype" in _list(a["fields"])]
    assert host and all("| aclparse | backscatter" in a["search.search_string"] for a in host)
    assert all('host="$host$" sourcetype="$sourcetype$"' in a["search.search_string"] for a in host)


def test_workflow_checks_find_what_is_wrong():
    problems = "\n".join(check_workflow_action("x", {
        "type": "link", "label": "$nope$", "fields": "no_field", "display_location": "menu",
        "link.uri": "http://example.com/", "link.colour": "red"}))
    for expected in ("link.colour", "display_location 'menu'", "field 'no_field'", "$nope$", "not https"):
        assert expected in problems, (expected, problems)
    problems = "\n".join(check_workflow_action("y", {
        "type": "search", "label": "y", "fields": "src_ip", "display_location": "both",
        "search.search_string": "`nope` | aclparse | stats count by nothing | lookup nolookup a OUTPUT b",
        "search.view": "no_view"}))
    for expected in ("macro nope", "lookup 'nolookup'", "search.view 'no_view'"):
        assert expected in problems, (expected, problems)


def test_collector_macro():
    assert MACROS["acltrace_collector_events"]["definition"] == '`acltrace_index` sourcetype="acltrace:collector"'
    assert MACROS["acltrace_collector_events"].get("description")


@pytest.mark.parametrize("path", sorted(VIEWS_DIR.glob("*.xml")), ids=lambda p: p.stem)
def test_base_searches_of_events_aggregate_before_their_post_processes(path):
    """A post-process reads its base search's results: raw events there are capped and cost the search
    head, so a base search of events ends in rows it aggregated (stats, or aclincidents' incidents)."""
    for search in ET.parse(path).getroot().iter("search"):
        query = " ".join((search.findtext("query") or "").split())
        if search.get("id") and not query.startswith("|"):
            assert re.search(r"\| (?:stats|aclincidents) ", query + " "), (path.stem, search.get("id"), query)


# ---------------------------------------------------------------- values from the data in searches

_TOKEN_USE = re.compile(r"\$([A-Za-z_][\w.:-]*)((?:\|[a-z])*)\$")
_FROM_DATA = re.compile(r"\$(?:row|click|result|job)\.")


def data_tokens(root):
    """The tokens of a view whose value comes from the data: set in a drilldown or <done> from a clicked
    row or a result ($row.x$, $click.x$, $result.x$), or a built-in of that kind used directly; a log
    line can put anything into them."""
    names = {el.get("token") for el in root.iter() if el.tag in ("set", "eval") and el.get("token")
             and _FROM_DATA.search(el.text or el.get("value") or "")}
    return names, ("row.", "click.", "result.", "job.")


def unquoted_data_tokens(path):
    """Every place of a view where a value from the data would enter a search or a page unquoted: in a
    <query> a data token without |s (Splunk's quoting for a search), in a link without |u or inside a
    search string (q=) of a URL, and in an <html> panel's text without |h."""
    root = ET.parse(path).getroot()
    names, prefixes = data_tokens(root)

    def is_data(name):
        return name in names or name.startswith(prefixes)

    problems = []

    def check(text, where, needed, forbid_search_url=False):
        text = (text or "").replace("$$", "")
        for m in _TOKEN_USE.finditer(text):
            name, filters = m.group(1), m.group(2).split("|")[1:]
            if not is_data(name):
                continue
            if needed not in filters:
                problems.append(f"{path.stem}: {where} uses ${name}{m.group(2)}$ without |{needed}")
            if forbid_search_url and re.search(r"[?&]q=[^&]*$", text[:m.start()]):
                problems.append(f"{path.stem}: {where} puts ${name}$ into a search string of a URL")

    for el in root.iter("query"):
        check(el.text, "a <query>", "s")
    for el in root.iter("link"):
        check(el.text, "a <link>", "u", forbid_search_url=True)
    for el in root.iter("html"):
        for a in el.iter():
            if a.get("href"):
                check(a.get("href"), "an href", "u", forbid_search_url=True)
            check(a.text, "an <html> panel", "h")
            check(a.tail, "an <html> panel", "h")
    return problems


@pytest.mark.parametrize("path", VIEW_FILES, ids=[p.stem for p in VIEW_FILES])
def test_no_value_from_the_data_enters_a_search_unquoted(path):
    assert unquoted_data_tokens(path) == []


def test_the_quoting_check_finds_what_is_wrong(tmp_path):
    """The triage drilldown of an earlier version: a filter glued from the row, run as SPL."""
    bad = tmp_path / "bad.xml"
    bad.write_text("""<form version="1.1"><label>x</label>
      <row><panel><table><search><query>`acltrace_labelled_events` | stats count by dvc</query></search>
        <drilldown><set token="sel_filter">$row.event_filter$</set>
          <link>search?q=search%20dvc%3D$row.dvc|u$</link></drilldown></table>
      <html><a href="search?q=$sel_filter|u$">open</a> $sel_filter$</html>
      <table><search><query>`acltrace_labelled_events` | search $sel_filter$ | where dvc=$click.value|u$</query>
      </search></table></panel></row></form>""")
    problems = "\n".join(unquoted_data_tokens(bad))
    for expected in ("a <query> uses $sel_filter$ without |s", "a <query> uses $click.value|u$ without |s",
                     "a <link> puts $row.dvc$ into a search string", "an href puts $sel_filter$ into a search",
                     "an <html> panel uses $sel_filter$ without |h"):
        assert expected in problems, (expected, problems)


def unquoted_workflow_values(action):
    """A field action's values from the event enter its search only inside double quotes, which Splunk
    escapes them for; never with $!field$, which turns that escaping off."""
    problems = []
    for key in ("search.search_string", "link.uri", "label"):
        text = action.get(key, "")
        for m in re.finditer(r"\$(!?)([\w@.]+)\$", text):
            if m.group(1):
                problems.append(f"{key}: ${m.group(1)}{m.group(2)}$ turns Splunk's escaping off")
            elif key == "search.search_string" and not (text[m.start() - 1:m.start()] == '"'
                                                        and text[m.end():m.end() + 1] == '"'):
                problems.append(f"{key}: ${m.group(2)}$ is not inside double quotes")
    return problems


@pytest.mark.parametrize("name", sorted(WORKFLOW))
def test_field_actions_quote_the_values_they_put_in_a_search(name):
    assert unquoted_workflow_values(WORKFLOW[name]) == []


def test_the_workflow_quoting_check_finds_what_is_wrong():
    problems = unquoted_workflow_values({"search.search_string": 'x src_ip=$src_ip$ dest_ip="$!dest_ip$"',
                                         "link.uri": "/app/acltrace/v?form.mac=$!src_mac$"})
    assert problems == ["search.search_string: $src_ip$ is not inside double quotes",
                        "search.search_string: $!dest_ip$ turns Splunk's escaping off",
                        "link.uri: $!src_mac$ turns Splunk's escaping off"]
