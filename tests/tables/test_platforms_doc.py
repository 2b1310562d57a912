"""docs/platforms.md against the code: every (platform, command) that has a template is listed with that
template, and every listed sample gives the rows the page says (at least one)."""
import os
import re

import pytest
from conftest import CORPUS, REPO

from acltrace.tables.captures import COMMANDS, recognise
from acltrace.tables.show import PLATFORMS, parse_capture, template_for

PAGE = REPO / "docs" / "platforms.md"
_CODE = re.compile(r"`([^`]*)`")


def _listed():
    """{(platform, template source, template name): row} of the page's table."""
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 6 or not line.startswith("| ") or cells[0] == "platform":
            continue
        platform, kind, commands, template, sample, count = cells
        source, name = template.split(" ")[0], _CODE.findall(template)[0]
        path, read_as = _CODE.findall(sample)
        key = (_CODE.findall(platform)[-1], source, name)
        assert key not in rows, key
        rows[key] = {"kind": kind, "commands": _CODE.findall(commands), "sample": path, "read_as": read_as,
                     "rows": int(count)}
    return rows


LISTED = _listed()


OURS = str((REPO / "bin").resolve()) + os.sep       # our templates; ntc-templates' are in lib/


def _key(platform, path):
    source = "ours" if os.path.realpath(path).startswith(OURS) else "ntc-templates"
    return platform, source, os.path.basename(path)[: -len(".textfsm")]


def test_every_platform_and_command_with_a_template_is_listed():
    supported = {(platform, command): _key(platform, path) for platform in PLATFORMS for command, _ in COMMANDS
                 for path in [template_for(platform, command)] if path}
    assert len(supported) >= 100
    missing = [pair for pair, key in supported.items() if pair[1] not in LISTED.get(key, {}).get("commands", ())]
    assert not missing
    listed = {(key[0], command) for key, row in LISTED.items() for command in row["commands"]}
    assert listed == set(supported)          # nothing listed that the code does not read
    assert {key[0] for key in LISTED} == set(PLATFORMS)


@pytest.mark.parametrize("key", sorted(LISTED), ids=lambda key: f"{key[0]}/{key[2]}")
def test_each_sample_gives_the_rows_listed(key):
    row = LISTED[key]
    assert row["read_as"] in row["commands"] and recognise(row["read_as"]).kind == row["kind"]
    assert _key(key[0], template_for(key[0], row["read_as"])) == key
    text = (CORPUS / row["sample"]).read_bytes().decode("utf-8")
    found = getattr(parse_capture(text, key[0], command=row["read_as"]), row["kind"])
    assert len(found) == row["rows"] >= 1
