"""The app shell and the installable package: versions, permissions, conf syntax, contents.

The built package (``dist/acltrace-<version>.tgz``) is checked when it exists; with
``ACLTRACE_PACKAGE_TEST=1`` a missing one is built first with ``make package``
(.ci/run runs these tests again after ``make package``).
"""
import ast
import json
import os
import re
import struct
import subprocess
import sys
import tarfile

import pytest
from conftest import import_tool
from splunkconf import ConfError, parse_conf, read_conf

APP_ID = "acltrace"


def core_version(repo):
    """``__version__`` from bin/acltrace/__init__.py, read without importing the package."""
    tree = ast.parse((repo / "bin" / APP_ID / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("bin/acltrace/__init__.py sets no __version__")


@pytest.fixture(scope="module")
def app_conf(repo):
    return read_conf(repo / "default" / "app.conf")


@pytest.fixture(scope="module")
def manifest(repo):
    return json.loads((repo / "app.manifest").read_text(encoding="utf-8"))


# --- one version, one id ---------------------------------------------------------------------

def test_version_is_semver(repo):
    assert re.fullmatch(r"\d+\.\d+\.\d+", core_version(repo))


def test_app_conf_and_manifest_carry_the_core_version(repo, app_conf, manifest):
    version = core_version(repo)
    assert app_conf["launcher"]["version"] == version
    assert app_conf["id"]["version"] == version
    assert manifest["info"]["id"]["version"] == version


def test_app_id_is_the_same_everywhere(app_conf, manifest):
    assert app_conf["package"]["id"] == APP_ID
    assert app_conf["id"]["name"] == APP_ID
    assert manifest["info"]["id"]["name"] == APP_ID
    assert manifest["info"]["id"]["group"] is None


def test_app_conf_settings(app_conf):
    assert app_conf["package"]["check_for_updates"] == "true"        # a Splunkbase app: Splunk tells of releases
    assert app_conf["ui"]["is_visible"] == "true"
    assert app_conf["ui"]["label"] == APP_ID
    assert app_conf["launcher"]["description"].strip()
    assert app_conf["install"]["build"].isdigit()


def test_manifest_shape(repo, manifest):
    assert manifest["schemaVersion"] == "2.0.0"
    assert manifest["info"]["title"] == APP_ID
    assert (repo / manifest["info"]["license"]["text"]).is_file()
    assert "Apache License" in (repo / "LICENSE").read_text(encoding="utf-8")[:200]


# --- permissions -------------------------------------------------------------------------------

def parse_access(value):
    """'read : [ * ], write : [ admin ]' -> {'read': {'*'}, 'write': {'admin'}}"""
    return {m[0]: {r.strip() for r in m[1].split(",") if r.strip()}
            for m in re.findall(r"(\w+)\s*:\s*\[([^\]]*)\]", value)}


def test_parse_access():
    assert parse_access("read : [ * ], write : [ admin, sc_admin ]") == {"read": {"*"}, "write": {"admin", "sc_admin"}}


def test_default_meta_grants_read_to_all_and_write_to_admins(repo):
    meta = read_conf(repo / "metadata" / "default.meta")
    access = parse_access(meta[""]["access"])
    assert access["read"] == {"*"}
    assert {"admin", "sc_admin"} <= access["write"]
    assert "*" not in access["write"]
    assert not (repo / "metadata" / "local.meta").exists(), "local.meta is per-install state, never commit it"


@pytest.mark.parametrize("kind", ["commands", "searchbnf", "props", "transforms", "eventtypes", "tags",
                                  "lookups", "macros"])
def test_default_meta_exports_knowledge_objects_to_all_apps(repo, kind):
    meta = read_conf(repo / "metadata" / "default.meta")
    assert meta[kind]["export"] == "system"


# --- conf syntax -------------------------------------------------------------------------------

def conf_files(repo):
    return sorted((repo / "default").glob("*.conf")) + sorted((repo / "metadata").glob("*.meta"))


def test_there_are_conf_files(repo):
    names = {p.name for p in conf_files(repo)}
    assert {"app.conf", "default.meta"} <= names


def test_every_conf_file_parses(repo):
    for path in conf_files(repo):
        conf = read_conf(path)
        assert conf, f"{path.name} has no settings"
        raw = path.read_bytes()
        assert b"\r" not in raw, f"{path.name} has CR line endings"
        raw.decode("utf-8")


def test_reader_stanzas_comments_and_default():
    conf = parse_conf("# top comment\nglobal = 1\n[a]\nx = 1\n  # indented comment\n\n[b:c]\ny=2 # not a comment\n"
                      "[a]\nx = 3\nz = 4\n")
    assert conf == {"default": {"global": "1"}, "a": {"x": "3", "z": "4"}, "b:c": {"y": "2 # not a comment"}}


def test_reader_keys_with_spaces_and_values_with_equals():
    conf = parse_conf("[source::/var/log/*.log]\nEXTRACT-acl = list (?<rule>\\S+) a=b\n")
    assert conf["source::/var/log/*.log"]["EXTRACT-acl"] == "list (?<rule>\\S+) a=b"


def test_reader_line_continuation():
    conf = parse_conf("[m]\ndefinition = index=net \\\n  sourcetype=cisco:ios \\\n  | head 1\nnext = ok\n")
    assert conf["m"]["definition"] == "index=net \n  sourcetype=cisco:ios \n  | head 1"
    assert conf["m"]["next"] == "ok"


@pytest.mark.parametrize("bad", ["[unclosed\n", "[a]\njust words\n", "[a]\n= value\n"])
def test_reader_rejects_malformed_lines(bad):
    with pytest.raises(ConfError, match=r"<conf>:\d+"):
        parse_conf(bad)


# --- icons -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,size", [("appIcon.png", 36), ("appIcon_2x.png", 72),
                                       ("appIconAlt.png", 36), ("appIconAlt_2x.png", 72)])
def test_icon_is_a_png_of_the_right_size(repo, name, size):
    data = (repo / "appserver" / "static" / name).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_icons_are_what_the_generator_draws(repo):
    run = subprocess.run([sys.executable, str(repo / "tools" / "generators" / "make_icons.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


# --- what ships --------------------------------------------------------------------------------

FORBIDDEN = re.compile(r"(^|/)(tests|bench|samples|build|dist|local|__pycache__|\.[^/]+)(/|$)|\.py[co]$|"
                       r"(^|/)local\.meta$|\.(so|pyd|dylib|dll)$|\.egg-info(/|$)")


@pytest.fixture(scope="module")
def stage_module():
    return import_tool("stage")


def test_staging_rules_leave_out_development_files(tmp_path, stage_module):
    wanted = ["app.manifest", "LICENSE", "README.md", "default/app.conf", "metadata/default.meta",
              "bin/aclparse.py", "bin/acltrace/__init__.py", "lib/splunklib/__init__.py",
              "lib/pkg-1.0.dist-info/METADATA", "lookups/acltrace_mac_table.csv", "appserver/static/appIcon.png"]
    unwanted = ["tests/test_x.py", "bench/benchmark.py", "samples/ios.log", "Makefile", "pyproject.toml",
                ".gitignore", "metadata/local.meta", "local/app.conf", "bin/__pycache__/x.cpython-311.pyc",
                "bin/acltrace/x.pyc", "bin/.hidden", "lib/.vendored", "bin/acltrace.egg-info/PKG-INFO",
                "lib/pkg-1.0.dist-info/RECORD", "default/app.conf~", "lookups/.DS_Store", "lookups/README.md"]
    for rel in wanted + unwanted:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert stage_module.shipped_files(tmp_path) == sorted(wanted)


def test_repo_selection_ships_nothing_forbidden(repo, stage_module):
    shipped = stage_module.shipped_files(repo)
    assert {"app.manifest", "default/app.conf", "metadata/default.meta", "LICENSE"} <= set(shipped)
    assert [p for p in shipped if FORBIDDEN.search(p)] == []


@pytest.fixture(scope="module")
def package(repo):
    path = repo / "dist" / f"{APP_ID}-{core_version(repo)}.tgz"
    if not path.is_file():
        if os.environ.get("ACLTRACE_PACKAGE_TEST") != "1":
            pytest.skip(f"{path.relative_to(repo)} not built (run `make package`, or set ACLTRACE_PACKAGE_TEST=1)")
        subprocess.run(["make", "package"], cwd=repo, check=True)
    with tarfile.open(path) as tar:
        return tar.getmembers()


def test_package_has_one_top_directory_named_after_the_app(package):
    assert {m.name.split("/")[0] for m in package} == {APP_ID}
    assert all(not m.issym() and not m.islnk() for m in package)


def test_package_contains_what_an_installed_app_needs(package):
    names = {m.name for m in package}
    for rel in ["app.manifest", "LICENSE", "default/app.conf", "metadata/default.meta", "bin/acltrace/__init__.py",
                "lib/splunklib/searchcommands/__init__.py", "appserver/static/appIcon.png",
                # the SNMP input, its REST handlers and configuration page (issue 5)
                "bin/acltrace_snmp.py", "README/inputs.conf.spec", "README/acltrace_account.conf.spec",
                "default/restmap.conf", "default/web.conf", "lib/splunktaucclib/__init__.py", "lib/solnlib/__init__.py",
                "default/data/ui/views/acltrace_configuration.xml", "appserver/static/acltrace_configuration.js"]:
        assert f"{APP_ID}/{rel}" in names


def test_package_contains_nothing_forbidden(package):
    rels = [m.name.split("/", 1)[1] for m in package if "/" in m.name]
    assert [r for r in rels if FORBIDDEN.search(r)] == []


def test_package_modes(package):
    bad = [(m.name, oct(m.mode)) for m in package if m.mode != (0o755 if m.isdir() else 0o644)]
    assert bad == []


def test_the_apps_own_files_name_no_routable_host(repo, stage_module):
    """AppInspect lists only its first 25 IP findings (most in vendored libraries: see
    appinspect_known_warnings.md), so the app's own shipped files are checked here: every IP literal
    is loopback, private, reserved, multicast, unspecified or a documentation address (RFC 5737)."""
    import ipaddress
    literal = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?![\w.])")
    documentation = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    found = []
    for rel in stage_module.shipped_files(repo):
        if rel.startswith("lib/") or rel.endswith(".png"):
            continue
        for text in literal.findall((repo / rel).read_text(encoding="utf-8", errors="replace")):
            try:
                ip = ipaddress.ip_address(text)
            except ValueError:
                continue
            if not (ip.is_private or ip.is_loopback or ip.is_reserved or ip.is_multicast or ip.is_unspecified
                    or ip.is_link_local or any(ip in net for net in documentation)):
                found.append((rel, text))
    assert found == []
