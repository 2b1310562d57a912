"""Where a Cisco add-on owns a sourcetype, acltrace's props.conf stanza there redefines nothing of it.

Splunk merges the props.conf stanzas of one sourcetype across apps key by key: a key both apps set
(``EVAL-dest``, ``FIELDALIAS-dvc``) keeps one definition, by app precedence. And a field both give
(``src_ip`` from two extractions) holds whichever ran first. So on a sourcetype an add-on owns
(tests/data/vendor_addon_keys/: the add-on's key names and field names there) our stanza may set no key
the add-on sets and give no field the add-on gives. A LOOKUP with OUTPUTNEW fills a field only where
it is empty (the MAC trace's ``src_vlan``), so its outputs never replace the add-on's and are not
counted.
"""
import importlib.util
import json
import pathlib
import re

import pytest
from splunkconf import read_conf

ADDONS = sorted((pathlib.Path(__file__).parents[1] / "data" / "vendor_addon_keys").glob("*.json"))
_GROUP = re.compile(r"\(\?<(\w+)>")
_FORMAT_FIELD = re.compile(r"(\w+)::")


def addon(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def props(repo):
    return read_conf(repo / "default" / "props.conf")


@pytest.fixture(scope="module")
def transforms(repo):
    return read_conf(repo / "default" / "transforms.conf")


def fields_given(stanza, transforms):
    """{field: the key that gives it} for one props.conf stanza (LOOKUP OUTPUTNEW outputs left out)."""
    given = {}
    for key, value in stanza.items():
        kind, _, name = key.partition("-")
        if kind == "REPORT":
            for tname in (n.strip() for n in value.split(",")):
                transform = transforms[tname]
                names = _GROUP.findall(transform["REGEX"]) + _FORMAT_FIELD.findall(transform.get("FORMAT", ""))
                given.update((field, f"{key} [{tname}]") for field in names)
        elif kind == "EXTRACT":
            given.update((field, key) for field in _GROUP.findall(value))
        elif kind == "EVAL":
            given[name] = key
        elif kind == "FIELDALIAS":
            given.update((target, key) for target in re.findall(r"\b(?:AS|ASNEW)\s+(\S+)", value, re.I))
        elif kind == "LOOKUP":
            words = value.replace(",", " ").split()
            modes = [i for i, w in enumerate(words) if w.upper() in ("OUTPUT", "OUTPUTNEW")]
            if modes and words[modes[0]].upper() == "OUTPUT":
                out = words[modes[0] + 1:]
                given.update((w, key) for i, w in enumerate(out)
                             if w.upper() != "AS" and (i + 1 >= len(out) or out[i + 1].upper() != "AS"))
    return given


def test_the_add_on_data_is_there_and_names_its_source():
    assert len(ADDONS) >= 2
    for path in ADDONS:
        data = addon(path)
        assert data["sourcetypes"] and data["keys"] and data["fields"] and data["source"].startswith("https://")
        assert len(set(data["keys"])) == len(data["keys"]), path.name
    readme = (ADDONS[0].parent / "README.md").read_text(encoding="utf-8")
    assert all(path.name in readme for path in ADDONS)


@pytest.mark.parametrize("path", ADDONS, ids=lambda p: p.stem)
def test_no_key_we_set_on_an_add_ons_sourcetype_is_one_the_add_on_sets(path, props):
    data = addon(path)
    for sourcetype in data["sourcetypes"]:
        ours = props.get(sourcetype, {})
        clash = sorted(set(ours) & set(data["keys"]))
        assert not clash, f"[{sourcetype}] sets {clash}, which the {data['addon']} sets too"
        for key in ours:     # and every class of ours is named as ours
            assert key.split("-", 1)[1].startswith("acltrace_"), f"[{sourcetype}] {key}"


@pytest.mark.parametrize("path", ADDONS, ids=lambda p: p.stem)
def test_no_field_we_give_on_an_add_ons_sourcetype_is_one_the_add_on_gives(path, props, transforms):
    data = addon(path)
    for sourcetype in data["sourcetypes"]:
        given = fields_given(props.get(sourcetype, {}), transforms)
        clash = {field: key for field, key in given.items() if field in set(data["fields"])}
        assert not clash, f"[{sourcetype}] gives {clash}, which the {data['addon']} gives too"


def test_the_check_finds_the_clashes_of_the_full_extraction(props, transforms):
    """The stanzas no add-on owns carry the full extraction: on an add-on's sourcetype it would clash,
    keys and fields alike, which is what the two tests above would catch."""
    for path, full in zip(ADDONS, ("cisco:pix", "cisco:xr")):
        data = addon(path)
        assert set(props[full]) & set(data["keys"])
        assert {"src_ip", "dest_port", "dvc"} <= set(fields_given(props[full], transforms)) & set(data["fields"])


def test_the_generator_restricts_exactly_the_add_ons_sourcetypes(repo):
    generator = repo / "tools" / "generators" / "gen_search_time_confs.py"
    spec = importlib.util.spec_from_file_location("gen_search_time_confs", generator)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    owned = {sourcetype for path in ADDONS for sourcetype in addon(path)["sourcetypes"]}
    assert set(gen.ADDED_BESIDE_ADDON) == owned
