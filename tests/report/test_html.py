"""`acltrace triage --format html`: the offline page, parsed here and opened in headless Chromium.

The browser tests drive Debian's ``chromium`` with its command-line flags only: ``--dump-dom`` gives
the DOM after the page's script ran, ``--screenshot`` a picture (kept as out/test-report.png), and
``--enable-logging=stderr`` prints the console (``CONSOLE`` lines: any is a failure, the page logs
nothing). A test copy of each page also records uncaught errors on ``<html data-js-errors>``. A
search is driven through the address (``#q=...``, which the page applies on load). Without
Chromium the browser tests skip, and fail in CI (CI=true; .ci/run installs it).
"""
import copy
import html.parser
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib

import pytest
from conftest import REPO
from offline import SAMPLE, acltrace

from acltrace.report import text as report

CAMPUS = sorted(str(path) for path in (REPO / "samples" / "campus").glob("*.txt"))
SCREENSHOT = REPO / "out" / "test-report.png"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HOSTILE = '<script>alert("x")</script>'
HOSTILE_ATTR = '"><img src=x onerror=alert(1)>'
# Installed first in the test copy of a page: uncaught errors land in the DOM that --dump-dom shows.
ERROR_HOOK = ('<script>window.addEventListener("error", function (e) {'
              ' var el = document.documentElement;'
              ' el.setAttribute("data-js-errors", (el.getAttribute("data-js-errors") || "") + e.message + "\\n");'
              ' });</script>')


def triage(*args, fmt="html"):
    run = acltrace("triage", "--year", "2026", str(SAMPLE), "--devices", *CAMPUS, "--format", fmt, *args)
    assert run.returncode == 0, run.stderr
    return run.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def page():
    return triage()


@pytest.fixture(scope="module")
def document():
    return json.loads(triage(fmt="json"))


class Page(html.parser.HTMLParser):
    """The elements of a page: a stack check (every element closed, in order) and what tests look at:
    ``rows``, the incidents (a tbody each: its cells, the last the explanation and next steps),
    ``texts``, the text of each element with an id."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.elements = [], [], []
        self.rows, self.cell, self.texts = [], None, {}
        self._text_of = []
        self.feed(text)
        self.close()
        self.problems += [f"<{tag}> never closed" for tag, _ in self.stack]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "tbody" and "incident" in (attrs.get("class") or "").split():
            self.rows.append({"attrs": attrs, "cells": []})
        if tag == "td" and self.rows and self._inside_id("incident-table"):
            self.cell = []
        if attrs.get("id"):
            self._text_of.append((attrs["id"], len(self.stack)))
            self.texts[attrs["id"]] = ""
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        self._text_of = [(name, depth) for name, depth in self._text_of if depth < len(self.stack)]
        if tag == "td" and self.cell is not None:
            self.rows[-1]["cells"].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data + " ")
        for name, _ in self._text_of:
            self.texts[name] += data

    def _inside_id(self, name):
        return any(attrs.get("id") == name for _, attrs in self.stack)

    def tags(self, tag):
        return [attrs for name, attrs in self.elements if name == tag]

    def visible_rows(self):
        return [row for row in self.rows if "hidden" not in (row["attrs"].get("class") or "").split()]


# --- the page, parsed --------------------------------------------------------------------------

def test_page_is_well_formed_html_with_one_closed_script(page):
    assert page.startswith("<!DOCTYPE html>")
    parsed = Page(page)
    assert parsed.problems == []
    assert len(parsed.tags("script")) == 1
    assert page.count("</script>") == 1 and page.index("<script>") < page.index("</script>")
    assert [attrs.get("id") for attrs in parsed.tags("section")] == ["incidents", "timeline", "hours", "traces", "next"]


def test_page_is_self_contained(page):
    parsed = Page(page)
    for tag, attrs in parsed.elements:
        for name in ("src", "href", "action", "srcset", "data", "poster"):
            assert not re.match(r"\s*(https?:)?//", attrs.get(name) or "", re.I), (tag, attrs)
    assert not parsed.tags("link") and not parsed.tags("iframe") and not parsed.tags("img")
    assert not re.search(r"https?://", page.replace('http-equiv="Content-Security-Policy"', ""))
    assert "@import" not in page and "url(" not in page
    # And the page forbids itself any load: scripts and styles inline only.
    assert "default-src 'none'" in page


def test_page_tells_the_text_reports_story(page, document):
    parsed = Page(page)
    assert parsed.texts["shown"] == "7 of 7 incidents"
    assert [row["attrs"]["data-label"] for row in parsed.rows] == [row["label"] for row in document["incidents"]]
    cells = [row["cells"] for row in parsed.rows]
    assert [(c[1], c[4], c[7].split()[0]) for c in cells] == [
        (row["dvc"], row["src_ip"], str(row["events"])) for row in document["incidents"]]
    assert [c[-1] for c in cells] == [f"{row['explanation']} Next: {row['next_steps']}"
                                      for row in document["incidents"]]
    gw = [c for c in cells if c[1] == "gw-rtr1" and c[0] == "Blaster"]
    assert len(gw) == 4
    assert all(c[5].startswith("edge_port acc-sw2 Ethernet7 vlan 20") for c in gw)
    assert all("gw-rtr1 FastEthernet0/1 -> core-sw1 Port-channel1 -> acc-sw2 Ethernet7" in c[5] for c in gw)
    assert [c[5].split()[:2] for c in cells if c[1] == "core-rtr2"] == [["router_hop", "core-rtr2"]]
    assert "4 bursts about 61 min apart over 3.1 h" in parsed.texts["heat-places"]
    assert "edge port acc-sw2 Ethernet7 vlan 20" in parsed.texts["traces"]
    assert len([a for a in parsed.tags("rect") if "bar" in (a.get("class") or "")]) >= 5


def hostile_rows(document):
    """The sample's incidents and patterns (epoch times again), every field from logs made hostile."""
    rows = copy.deepcopy(document["incidents"])
    patterns = copy.deepcopy(document["patterns"])
    for row in rows + patterns:
        for name in ("first_seen", "last_seen"):
            row[name] = row.pop(f"{name}_epoch")
    for row in rows:
        row.update(dvc=HOSTILE, src_interface=HOSTILE_ATTR, explanation=HOSTILE, next_steps="</td></tr></table>")
        if "trace" in row:
            row["trace"].update(switch=HOSTILE, path=f"a -> {HOSTILE_ATTR}", verdict=HOSTILE_ATTR)
    rows[0]["label"] = HOSTILE_ATTR
    patterns[0].update(dvc=HOSTILE, src_interface=HOSTILE, pattern=HOSTILE)
    summary = dict(document["summary"], sources=[HOSTILE, HOSTILE_ATTR], labels={HOSTILE: 1})
    return rows, patterns, summary


def test_values_from_logs_are_escaped(document):
    out = io.StringIO()
    report.write(out, "html", *hostile_rows(document))
    page = out.getvalue()
    assert HOSTILE not in page and HOSTILE_ATTR not in page and "</td></tr></table>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parsed = Page(page)
    assert parsed.problems == []
    assert len(parsed.tags("script")) == 1 and not parsed.tags("img")
    assert len(parsed.rows) == len(document["incidents"])
    assert all(HOSTILE in row["cells"][1] for row in parsed.rows)


def test_empty_triage_is_a_page_too():
    out = io.StringIO()
    report.write(out, "html", [], [], {"sources": ["-"], "acl_events": 0, "labels": {}})
    parsed = Page(out.getvalue())
    assert parsed.problems == []
    assert "No incident was found." in out.getvalue() and parsed.texts["shown"] == "0 of 0 incidents"


# --- in headless Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + "; CI must open the HTML report in a browser")
    pytest.skip(message)


class Browser:
    def __init__(self, binary, tmp_path):
        self.binary, self.tmp_path = binary, tmp_path

    def open(self, page, *flags, fragment=""):
        """Open a test copy of the page; returns (stdout, console lines, the file)."""
        path = self.tmp_path / "report.html"
        path.write_text(page.replace("<head>", "<head>" + ERROR_HOOK, 1), encoding="utf-8")
        command = [self.binary, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
                   "--enable-logging=stderr", "--v=0", f"--user-data-dir={self.tmp_path / 'profile'}",
                   *flags, path.as_uri() + fragment]
        run = subprocess.run(command, capture_output=True, timeout=180, check=False)
        stderr = run.stderr.decode("utf-8", "replace")
        assert run.returncode == 0, stderr[-3000:]
        console = [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
        return run.stdout.decode("utf-8", "replace"), console, path

    def dom(self, page, fragment=""):
        dom, console, _ = self.open(page, "--dump-dom", fragment=fragment)
        assert console == [], console
        parsed = Page(dom)
        assert parsed.problems == []
        html_attrs = parsed.tags("html")[0]
        assert "data-js-errors" not in html_attrs, html_attrs["data-js-errors"]
        return parsed


@pytest.fixture
def browser(chromium, tmp_path):
    return Browser(chromium, tmp_path)


def test_browser_shows_the_incidents_and_the_timeline(browser, page, document):
    parsed = browser.dom(page)
    assert parsed.texts["shown"] == "7 of 7 incidents"
    assert len(parsed.visible_rows()) == len(document["incidents"]) == 7
    cells = [row["cells"] for row in parsed.visible_rows()]
    gw = [c for c in cells if c[1] == "gw-rtr1" and c[0] == "Blaster"]
    assert [c[5].split()[:4] for c in gw] == [["edge_port", "acc-sw2", "Ethernet7", "vlan"]] * 4
    assert [c[3] for c in gw] == ["00:0d:56:aa:1b:2c"] * 4
    assert [c[5].split()[:2] for c in cells if c[1] == "core-rtr2"] == [["router_hop", "core-rtr2"]]
    assert [c[4] for c in cells if c[0] == "Scan"] == ["198.51.100.23"]
    chart = [attrs for attrs in parsed.tags("svg") if attrs.get("id") == "timeline-chart"]
    assert chart, "no timeline"
    bars = [attrs for attrs in parsed.tags("rect") if "bar" in (attrs.get("class") or "")]
    assert {bar["data-label"] for bar in bars} == {"blaster_backscatter", "scan"}
    assert all(float(bar["height"]) > 0 for bar in bars)


@pytest.mark.parametrize("query, expected", [
    ("acc-sw2", ["gw-rtr1"] * 4),
    ("198.51.100.23", ["gw-rtr1"]),
    ("router_hop%20172.16", ["core-rtr2"]),
    ("no-such-thing", []),
])
def test_browser_search_filters_the_rows(browser, page, query, expected):
    parsed = browser.dom(page, fragment=f"#q={query}")
    assert [row["cells"][1] for row in parsed.visible_rows()] == expected
    assert parsed.texts["shown"] == f"{len(expected)} of 7 incidents"


def test_browser_keeps_hostile_values_as_text(browser, document):
    out = io.StringIO()
    report.write(out, "html", *hostile_rows(document))
    parsed = browser.dom(out.getvalue())
    assert len(parsed.tags("script")) == 2  # the test's error hook and the page's own
    assert not parsed.tags("img")
    assert all(row["cells"][1] == HOSTILE for row in parsed.visible_rows())


def png_size_and_colours(data):
    """(width, height, distinct byte values in the first rows) of a PNG: a blank page has few."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return width, height, len(set(pixels[:width * 4 * 400]))


def test_browser_screenshot(browser, page):
    _, console, path = browser.open(page, "--screenshot=" + str(browser.tmp_path / "report.png"),
                                    "--window-size=1400,2400", "--hide-scrollbars")
    assert console == [], console
    data = (browser.tmp_path / "report.png").read_bytes()
    width, height, colours = png_size_and_colours(data)
    assert (width, height) == (1400, 2400)
    assert colours > 50, "the screenshot looks blank"
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.write_bytes(data)
