"""The README's layout table matches the tree (issue 12): every path it names exists, and every
tracked file is under one of its rows, and each core subpackage and module has a row of its own."""
import re
import subprocess

import pytest


def layout_paths(readme):
    """The paths of the first column of the README's "## Layout" table; ``a/b.py``, ``c.py`` is
    ``a/b.py`` and ``a/c.py``."""
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    paths = set()
    for row in re.findall(r"^\| (.+?) \|", section, re.M):
        names = re.findall(r"`([^`]+)`", row)
        if not names:                           # the heading row
            continue
        folder = names[0].rsplit("/", 1)[0] + "/" if "/" in names[0].rstrip("/") else ""
        for n, name in enumerate(names):
            paths.add(name if n == 0 or "/" in name else folder + name)
    return paths


@pytest.fixture(scope="module")
def tracked(repo):
    out = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout
    return out.split()


@pytest.fixture(scope="module")
def named(repo):
    return layout_paths((repo / "README.md").read_text(encoding="utf-8"))


def test_every_path_the_table_names_exists(repo, named):
    for path in named:
        if "<" in path:                         # bin/<command>.py: a pattern
            assert list(repo.glob(path.replace("<command>", "*"))), path
        elif path != "lib/":                    # built by make build, not committed
            assert (repo / path).exists(), f"the README's layout names {path}, which is not in the tree"


def test_the_table_names_every_part_of_the_tree(named, tracked):
    patterns = [re.escape(n).replace(re.escape("<command>"), "[a-z_]+") + ("" if n.endswith("/") else "(/|$)")
                for n in named]
    under = re.compile("|".join(patterns))

    files = [p for p in tracked if not p.startswith(".") and p != "README.md"]     # README.md: the table's own
    assert [p for p in files if not under.match(p)] == [], "files under no row of the README's layout table"
    # each core subpackage and module has a row (or is named in one) of its own
    core = {"/".join(p.split("/")[:3]) + ("/" if p.count("/") > 2 else "") for p in tracked
            if p.startswith("bin/acltrace/") and not p.endswith("__.py")}
    assert sorted(core - named) == []


def test_the_table_reader_reads_rows_as_they_are_written():
    readme = ("x\n## Layout\n\n| path | what |\n|---|---|\n| `bin/acltrace/cli.py`, `memo.py` | a |\n"
              "| `tools/build/` | b |\n\n## Next\n| `nope/` | c |\n")
    assert layout_paths(readme) == {"bin/acltrace/cli.py", "bin/acltrace/memo.py", "tools/build/"}
