"""Search-time extraction (default/props.conf + transforms.conf) agrees with parse_event.

The confs are applied by tests/support/splunk_extract.py, a PCRE2 emulation of Splunk's
search-time sequence (REPORT -> FIELDALIAS -> EVAL -> LOOKUP -> event types ->
tags). On every line of the peer corpus and of tests/data/extraction_cases.jsonl
the fields the confs give must be the fields the parser gives: same names with
values, same values; and a line the parser rejects gets no ACL field at all. The full
extraction is checked on the sourcetypes no Cisco add-on owns (cisco:xr for IOS-family
lines, cisco:pix for ASA-family ones); on those an add-on owns (cisco:ios, cisco:ftd) the confs must
give exactly the parser's values of the few fields we add there, and on cisco:asa, one of Splunk's own
source types, nothing at all.
"""
import csv
import importlib.util
import json
import re
from collections import Counter

import pcre2
import pytest
from splunk_extract import SearchTimeExtractor, compile_eval, load_conf

from acltrace.logs.fields import FIELDS
from acltrace.logs.parser import parse_event

# Lines where the confs may differ from the parser, with the reason. Keep empty.
ALLOWLIST = {}

# Fields the confs add beyond FIELDS: CIM conveniences, and what every event has.
CIM_EXTRAS = {"src", "dest", "vendor", "product"}
ALWAYS = {"_raw", "sourcetype"}
# Stanzas that must stay identical: the two sourcetypes the ASA add-on no longer lists.
FAMILIES = (("cisco:pix", "cisco:fwsm"),)
# Where the full extraction of a case's sourcetype is checked when an add-on owns that sourcetype.
FULL_STANZA_OF = {"cisco:ios": "cisco:xr", "cisco:asa": "cisco:pix", "cisco:ftd": "cisco:pix"}
_ASA_TAG = re.compile(r"%?\b(?:ASA|PIX|FWSM|FTD)-(?:[a-z]+-)?\d-\d{6}\b")


@pytest.fixture(scope="module")
def extractor(repo):
    return SearchTimeExtractor(repo)


@pytest.fixture(scope="module")
def gen(repo):
    """tools/generators/gen_search_time_confs.py as a module."""
    generator = repo / "tools" / "generators" / "gen_search_time_confs.py"
    spec = importlib.util.spec_from_file_location("gen_search_time_confs", generator)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_sourcetype(record):
    """cisco:asa for ASA/PIX/FWSM/FTD lines (by tag, or by the peer's kind for bodies quoted bare)."""
    if _ASA_TAG.search(record["line"]) or re.match(r"(?:ASA|PIX|FWSM|FTD)-", record["kind"]):
        return "cisco:asa"
    return "cisco:ios"


def _cases(corpus, repo):
    out = []
    with (corpus / "peer_cases" / "peer_cases.jsonl").open(encoding="utf-8") as f:
        for rec in map(json.loads, f):
            out.append((corpus_sourcetype(rec), rec["line"], rec["kind"]))
    with (repo / "tests" / "data" / "extraction_cases.jsonl").open(encoding="utf-8") as f:
        for rec in map(json.loads, f):
            out.append((rec["sourcetype"], rec["line"], rec["why"]))
    return out


def _differences(extractor, sourcetype, line):
    res = extractor.extract(FULL_STANZA_OF.get(sourcetype, sourcetype), line)
    expected = parse_event(line) or {}
    got = {k: v for k, v in res.fields.items() if k in FIELDS}
    diffs = [f"{k}: parser={expected.get(k)!r} conf={got.get(k)!r}"
             for k in sorted(set(expected) | set(got)) if expected.get(k) != got.get(k)]
    stray = set(res.fields) - set(FIELDS) - CIM_EXTRAS - ALWAYS
    if stray:
        diffs.append(f"fields outside FIELDS and the CIM extras: {sorted(stray)}")
    if res.shadowed:
        diffs.append(f"a field found by two extractions (order-dependent): {res.shadowed}")
    if res.empty_captures:
        diffs.append(f"empty captures: {res.empty_captures}")
    return expected, res, diffs


def test_fields_agree_with_parser(extractor, corpus, repo):
    counts, failures = Counter(), []
    for sourcetype, line, label in _cases(corpus, repo):
        expected, _, diffs = _differences(extractor, sourcetype, line)
        kind = "acl" if expected else "non-acl"
        if diffs and line not in ALLOWLIST:
            counts[(sourcetype, kind, "differ")] += 1
            failures.append(f"[{sourcetype}] {label}: {line}\n    " + "\n    ".join(diffs))
        else:
            counts[(sourcetype, kind, "agree")] += 1
    print("\nsearch-time extraction vs parse_event, per sourcetype:")
    for sourcetype in sorted({k[0] for k in counts}):
        for kind in ("acl", "non-acl"):
            agree, differ = counts[(sourcetype, kind, "agree")], counts[(sourcetype, kind, "differ")]
            if agree or differ:
                print(f"  {sourcetype:11} {kind:8} {agree}/{agree + differ} agree")
    assert not failures, f"{len(failures)} line(s) differ:\n" + "\n".join(failures)


def test_eventtypes_and_cim_tags(extractor, corpus, repo):
    problems = []
    for sourcetype, line, _label in _cases(corpus, repo):
        expected, res, _ = _differences(extractor, sourcetype, line)
        is_traffic = bool(expected.get("vendor_action"))
        if ("acltrace_acl_event" in res.eventtypes) != is_traffic:
            problems.append(f"acltrace_acl_event {'missed' if is_traffic else 'matched'}: {line}")
        if ("acltrace_acl_blocked" in res.eventtypes) != (expected.get("action") == "blocked"):
            problems.append(f"acltrace_acl_blocked wrong: {line}")
        if ("acltrace_acl_ratelimited" in res.eventtypes) != ("missed_packets" in expected):
            problems.append(f"acltrace_acl_ratelimited wrong: {line}")
        if is_traffic and not {"network", "communicate"} <= set(res.tags):
            problems.append(f"no network/communicate tags: {line}")
        if not expected and (res.eventtypes or res.tags):
            problems.append(f"non-ACL line got {res.eventtypes} {res.tags}: {line}")
    assert not problems, "\n".join(problems)


def test_addon_sourcetypes_get_exactly_the_parsers_values_of_the_fields_we_add_there(extractor, gen, corpus, repo):
    failures, checked = [], 0
    for sourcetype, line, label in _cases(corpus, repo):
        for owned, (_addon, added) in gen.ADDED_BESIDE_ADDON.items():
            if owned in gen.SPLUNK_SOURCETYPES or FULL_STANZA_OF[owned] != FULL_STANZA_OF.get(sourcetype, sourcetype):
                continue                     # no stanza; an ASA line under cisco:ios says nothing
            res = extractor.extract(owned, line)
            expected = {k: v for k, v in (parse_event(line) or {}).items() if k in added}
            got = {k: v for k, v in res.fields.items() if k not in ALWAYS}
            checked += bool(expected)
            if got != expected or res.shadowed or res.empty_captures:
                failures.append(f"[{owned}] {label}: {line}\n    parser={expected} conf={got} "
                                f"{res.shadowed or ''}{res.empty_captures or ''}")
    assert checked > 300
    assert not failures, f"{len(failures)} line(s) differ:\n" + "\n".join(failures)


def test_splunks_own_sourcetypes_get_no_stanza(extractor, gen, repo):
    """AppInspect's cloud check refuses an app's props stanza for one of Splunk's source types."""
    props = (repo / "default" / "props.conf").read_text(encoding="utf-8")
    asa = "%ASA-4-106023: Deny tcp src outside:192.0.2.1/80 dst inside:192.0.2.2/1500 by access-group \"IN\""
    for sourcetype in gen.SPLUNK_SOURCETYPES:
        assert f"[{sourcetype}]" not in props
        assert extractor.extract(sourcetype, asa).fields.keys() <= ALWAYS


def test_dvc_falls_back_to_the_events_host_where_no_add_on_sets_it(extractor, gen):
    no_dvc = "%SEC-6-IPACCESSLOGP: list A denied tcp 192.0.2.1(80) -> 192.0.2.2(1500), 1 packet"
    with_dvc = "Mar  1 10:00:00 rtr7 12: " + no_dvc
    asa = "%ASA-4-106023: Deny tcp src outside:192.0.2.1/80 dst inside:192.0.2.2/1500 by access-group \"IN\""
    assert extractor.extract("cisco:xr", no_dvc, host="edge-rtr").fields["dvc"] == "edge-rtr"
    assert extractor.extract("cisco:xr", with_dvc, host="edge-rtr").fields["dvc"] == "rtr7"
    assert extractor.extract("cisco:pix", asa, host="fw9").fields["dvc"] == "fw9"
    assert "dvc" not in extractor.extract("cisco:xr", "%SYS-5-CONFIG_I: Configured from console", host="r").fields
    for owned in gen.ADDED_BESIDE_ADDON:      # the add-ons set dvc there (EVAL-dvc, FIELDALIAS-dvc)
        assert "dvc" not in extractor.extract(owned, no_dvc, host="edge-rtr").fields


def test_mac_notations_normalised(extractor):
    for mac in ("000B.BF55.4C70", "000b.bf55.4c70"):
        line = f"%SEC-6-IPACCESSLOGP: list A denied tcp 127.0.0.1(80) (Ethernet0/1 {mac}) -> 192.0.2.1(1500), 1 packet"
        assert extractor.extract("cisco:xr", line).fields["src_mac"] == "00:0b:bf:55:4c:70"
    line = ("%FMANFP-6-IPACCESSLOGP: F0: fman_fp_image: list A denied tcp 00-0B-BF-55-4C-70 "
            "127.0.0.1(80) Gi0/0/1-> 192.0.2.1(1500), 1 packet")
    assert extractor.extract("cisco:xr", line).fields["src_mac"] == "00:0b:bf:55:4c:70"


def test_family_stanzas_are_identical(repo):
    props = load_conf(repo / "default" / "props.conf")
    for family in FAMILIES:
        for sourcetype in family:
            assert sourcetype in props, f"props.conf has no [{sourcetype}]"
            assert props[sourcetype] == props[family[0]], f"[{sourcetype}] differs from [{family[0]}]"


def test_search_time_only_for_ciscos_sourcetypes(repo):
    """Cisco's sourcetypes belong to Cisco's add-ons: we add search-time knowledge only. Our own
    (acltrace:*) set their line breaking and time too."""
    props = load_conf(repo / "default" / "props.conf")
    for stanza, settings in props.items():
        if stanza.startswith("acltrace:"):
            continue
        for key in settings:
            assert not key.startswith(("TRANSFORMS-", "SEDCMD-")), f"[{stanza}] {key}: index-time setting"
            assert key.split("-")[0] in ("REPORT", "EXTRACT", "EVAL", "LOOKUP", "FIELDALIAS"), f"[{stanza}] {key}"


def test_references_resolve_and_regexes_compile(repo):
    props = load_conf(repo / "default" / "props.conf")
    transforms = load_conf(repo / "default" / "transforms.conf")
    used = set()
    for stanza, settings in props.items():
        for key, value in settings.items():
            where = f"props.conf [{stanza}] {key}"
            if key.startswith("REPORT-"):
                for name in (n.strip() for n in value.split(",")):
                    assert name in transforms, f"{where}: no transforms.conf [{name}]"
                    assert "REGEX" in transforms[name], f"{where}: [{name}] has no REGEX"
                    used.add(name)
            elif key.startswith("EXTRACT-"):
                pcre2.compile(value)
            elif key.startswith("EVAL-"):
                compile_eval(value)
                for literal in re.findall(r'match\([^,]+, "((?:[^"\\]|\\.)*)"\)', value):
                    pcre2.compile(literal)
            elif key.startswith("LOOKUP-"):
                words = value.replace(",", " ").split()
                name = words[0]
                assert name in transforms, f"{where}: no lookup [{name}]"
                if transforms[name].get("external_type") == "kvstore":
                    header = [c.strip() for c in transforms[name]["fields_list"].split(",")]
                else:
                    assert "filename" in transforms[name], f"{where}: [{name}] has no filename"
                    path = repo / "lookups" / transforms[name]["filename"]
                    assert path.is_file(), f"{where}: {path} missing"
                    with path.open(newline="", encoding="utf-8") as f:
                        header = next(csv.reader(f))
                columns = [w for i, w in enumerate(words[1:], 1)
                           if w.upper() not in ("AS", "OUTPUT", "OUTPUTNEW") and words[i - 1].upper() != "AS"]
                missing = [c for c in columns if c not in header]
                assert not missing, f"{where}: [{name}] columns {header} lack {missing}"
                used.add(name)
    # The MAC trace's lookups are used by saved searches and macros (their KV variants through acltrace_store).
    searches = "".join((repo / "default" / f).read_text(encoding="utf-8")
                       for f in ("savedsearches.conf", "macros.conf"))
    for name in transforms:
        if re.search(rf"\b{re.escape(name)}\b", searches) or (
                name.endswith("_kv") and name[:-3] in used and "$table$_kv" in searches):
            used.add(name)
    for name, settings in transforms.items():
        if "REGEX" in settings:
            try:
                pcre2.compile(settings["REGEX"])
            except Exception as exc:  # pcre2 raises its own error types
                pytest.fail(f"transforms.conf [{name}]: {exc}")
        assert name in used or name == "default", f"transforms.conf [{name}] is used by no props, search or macro"
    assert (repo / "lookups" / "README.md").is_file()


def test_eventtypes_and_tags_refer_to_each_other(repo):
    eventtypes = load_conf(repo / "default" / "eventtypes.conf")
    tags = load_conf(repo / "default" / "tags.conf")
    for stanza in tags:
        if stanza.startswith("eventtype="):
            assert stanza.split("=", 1)[1] in eventtypes, f"tags.conf [{stanza}]: no such event type"
    assert tags["eventtype=acltrace_acl_event"] == {"network": "enabled", "communicate": "enabled"}


def test_committed_confs_are_generated(repo, gen):
    for path, text in gen.render().items():
        assert (repo / path).read_text(encoding="utf-8") == text, \
            f"{path} differs from tools/generators/gen_search_time_confs.py output: run the script"


# Readability budget: an admin must be able to review props.conf on screen.
PROPS_MAX_BYTES = 20_000
EVAL_MAX_CHARS = 300


def test_props_stays_small_and_evals_short(repo):
    path = repo / "default" / "props.conf"
    size = path.stat().st_size
    assert size < PROPS_MAX_BYTES, f"props.conf is {size} bytes (budget {PROPS_MAX_BYTES})"
    long_lines = [line[:80] + "..." for line in path.read_text(encoding="utf-8").splitlines()
                  if line.startswith("EVAL-") and len(line) > EVAL_MAX_CHARS]
    assert not long_lines, f"EVAL lines over {EVAL_MAX_CHARS} characters:\n" + "\n".join(long_lines)


def test_no_eval_repeats_a_template_guard(repo):
    """The regexes reject templates; an EVAL must not test for them again (the old ~1 KB guard)."""
    for stanza, settings in load_conf(repo / "default" / "props.conf").items():
        for key, value in settings.items():
            if key.startswith("EVAL-"):
                assert value.count("isnull(") <= 1, f"[{stanza}] {key} looks like a template guard: {value}"
