"""docs/admin.md names only settings that exist (issue 17.8).

Every name the guide writes in backticks is checked against the app: a name of ours (``acltrace_*``,
``acltrace:*``, a saved search ``acltrace - ...``) must be a macro, saved search, lookup, collection,
sourcetype, event type, view, command, field action, conf file, REST endpoint, script or module of the
app, or a field of the summary rows; a ``*.conf`` file, a ``key = value`` setting, a ``[stanza]`` and a
``vendor:kind`` sourcetype must be defined in the app's ``default/`` or ``README/*.spec`` files, or be one
of the Splunk or add-on names listed below, each with why it is in the guide.
"""
import re

from conftest import REPO
from splunkconf import read_conf

from acltrace.triage.findings import GROUP

GUIDE = REPO / "docs" / "admin.md"

# Splunk's own files and settings the guide tells an admin to use (the Cisco add-ons' and SC4S's
# sourcetypes are props.conf stanzas of ours).
KNOWN_CONFS = {
    "outputs.conf": "a heavy forwarder forwards the SNMP input's events to the indexers with it",
}
KNOWN_KEYS = {
    "sourcetype": "inputs.conf's own setting: a monitored capture file is given sourcetype = acltrace:show",
}
KNOWN_SOURCETYPES = {
    "cisco:asa": "the ASA add-on's and SC4S's, one of Splunk's own: the app has no stanza for it on purpose",
}

_SPAN = re.compile(r"``(.+?)``|`([^`\n]+)`")
_OURS = re.compile(r"acltrace[_:][A-Za-z0-9][A-Za-z0-9_:.-]*")
_SAVED = re.compile(r"^acltrace - ")
_CONF = re.compile(r"\b([a-z_]+\.conf)\b")
_SETTING = re.compile(r"^([A-Za-z_][\w.:-]*) = ")
_STANZA = re.compile(r"^\[([^\]]+)\]$")
_SOURCETYPE = re.compile(r"^(?![0-9a-f]{2}(?::[0-9a-f]{2}){5}$)[a-z][a-z0-9]*:[a-z][a-z0-9:]*$")   # not a MAC


def spans():
    """The text of every inline code span of the guide (fenced blocks are examples: left out)."""
    text = re.sub(r"(?ms)^```.*?^```", "", GUIDE.read_text(encoding="utf-8"))
    return [(a or b).strip() for a, b in _SPAN.findall(text)]


def confs():
    found = {p.name: read_conf(p) for p in sorted((REPO / "default").glob("*.conf"))}
    for spec in sorted((REPO / "README").glob("*.spec")):
        stanzas, current = {}, "default"
        for line in spec.read_text(encoding="utf-8").splitlines():
            if _STANZA.match(line):
                current = line[1:-1]
            elif _SETTING.match(line):
                stanzas.setdefault(current, {})[_SETTING.match(line).group(1)] = ""
        found[spec.name[:-len(".spec")]] = stanzas
    return found


CONFS = confs()
STANZAS = {stanza for conf in CONFS.values() for stanza in conf}
KEYS = {key for conf in CONFS.values() for stanza in conf.values() for key in stanza}


def our_names():
    """Every name of ours the app defines."""
    names = set(STANZAS) | {s.split("(")[0] for s in CONFS["macros.conf"]}
    names |= {name[:-len(".conf")] for name in CONFS}
    names |= {p.stem for p in (REPO / "default" / "data" / "ui" / "views").glob("*.xml")}
    names |= {p.stem for p in (REPO / "bin").glob("*.py")} | {p.name for p in (REPO / "bin").iterdir() if p.is_dir()}
    names |= {p.stem for p in (REPO / "appserver" / "static").iterdir()}
    names |= {s.split(":", 1)[1] for s in CONFS["restmap.conf"] if ":" in s}      # REST endpoints
    names |= set(GROUP)                             # the summary row's fields (acltrace_sport, acltrace_dport)
    return names


def saved_search_named(span):
    """A saved search, or a family of them written ``acltrace - Build ...``."""
    saved = [s for s in CONFS["savedsearches.conf"] if s != "default"]
    if span.endswith("..."):
        return any(s.startswith(span[:-3].rstrip()) for s in saved)
    return span in saved


def problems():
    names = our_names()
    found = []
    for span in spans():
        if _SAVED.match(span) and not saved_search_named(span):
            found.append(f"saved search `{span}`")
        for name in _OURS.findall(span):
            name = re.sub(r"(\.(conf|py|csv|js|css|xml|spec))?[.:]*$", "", name.split("://")[0])
            if name not in names and name.split(".")[0] not in names:
                found.append(f"`{name}` (in `{span}`)")
        for conf in _CONF.findall(span):
            if conf not in CONFS and conf not in KNOWN_CONFS:
                found.append(f"conf file `{conf}`")
        setting = _SETTING.match(span)
        if setting and setting.group(1) not in KEYS and setting.group(1) not in KNOWN_KEYS:
            found.append(f"setting `{span}`")
        stanza = _STANZA.match(span)
        if stanza and stanza.group(1) not in STANZAS:
            found.append(f"stanza `{span}`")
        if _SOURCETYPE.match(span) and span not in CONFS["props.conf"] and span not in KNOWN_SOURCETYPES:
            found.append(f"sourcetype `{span}`")
    return found


def test_every_setting_the_admin_guide_names_exists():
    assert problems() == []


def test_the_guide_names_the_settings_an_admin_needs():
    text = " ".join(spans())
    for name in ("acltrace_index", "acltrace_acl_events", "acltrace_device_tables", "acltrace_collector_events",
                 "acltrace_mac_table", "acltrace_settings.conf", "logging origin-id", "log-input", "search.log",
                 "splunkd.log", "action.email = 0", "action.webhook = 0", "tables=csv", "_forwarders"):
        assert name in text, name


def test_the_check_finds_a_name_that_does_not_exist(monkeypatch):
    monkeypatch.setattr("test_admin_guide.spans", lambda: [
        "acltrace_no_such_macro", "acltrace - No such search", "nope.conf", "no_such_key = 1", "[no_stanza]",
        "cisco:nope", "`acltrace_index` | aclparse", "acltrace - Build ...", "acltrace_snmp://campus"])
    assert problems() == ["`acltrace_no_such_macro` (in `acltrace_no_such_macro`)",
                          "saved search `acltrace - No such search`", "conf file `nope.conf`",
                          "setting `no_such_key = 1`", "stanza `[no_stanza]`", "sourcetype `cisco:nope`"]
