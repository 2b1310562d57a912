"""The staged app.conf's build number: the last commit's time, so every release raises it (issue 17.7)."""
import os
import subprocess
import sys

from conftest import REPO, import_tool
from splunkconf import read_conf


def test_staging_writes_the_build_into_the_staged_app_conf_only(tmp_path):
    before = (REPO / "default" / "app.conf").read_text(encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795600000")
    done = subprocess.run([sys.executable, str(REPO / "tools" / "build" / "stage.py"), str(tmp_path / "acltrace")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "build 1795600000" in done.stdout
    staged = (tmp_path / "acltrace" / "default" / "app.conf").read_text(encoding="utf-8")
    assert read_conf(tmp_path / "acltrace" / "default" / "app.conf")["install"]["build"] == "1795600000"
    assert (REPO / "default" / "app.conf").read_text(encoding="utf-8") == before
    assert [line for line in staged.splitlines() if not line.startswith("build")] == [
        line for line in before.splitlines() if not line.startswith("build")]


def test_set_build_takes_the_install_stanzas_build_only(tmp_path):
    stage = import_tool("stage")
    conf = tmp_path / "app.conf"
    conf.write_text("[install]\nstate = enabled\nbuild = 1\n\n[other]\nbuild = 7\n", encoding="utf-8")
    stage.set_build(conf, 1795600123)
    assert read_conf(conf)["install"]["build"] == "1795600123" and read_conf(conf)["other"]["build"] == "7"
    conf.write_text("[install]\nstate = enabled\n\n[other]\nbuild = 7\n", encoding="utf-8")
    try:
        stage.set_build(conf, 2)
    except SystemExit as refused:
        assert "no build" in str(refused)
    else:
        raise AssertionError("an app.conf without [install] build must stop the build")


def test_the_makefile_packs_with_the_last_commits_time():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct" in makefile
    assert "export SOURCE_DATE_EPOCH" in makefile
