#!/usr/bin/env python3
"""Stage the installable app and pack it into a deterministic tarball.

    python3 tools/build/stage.py build/acltrace            # stage only
    python3 tools/build/stage.py build/acltrace dist/x.tgz # stage, then pack

Only what an installed app needs is copied (ALLOW, below): no tests, bench,
samples, build files, hidden files, caches, ``local/`` or ``local.meta``.
Files get mode 644 and directories 755. The tarball has a single ``acltrace/``
top directory, entries in sorted order, owner root/0, every mtime set to
SOURCE_DATE_EPOCH (the Makefile passes the last commit's time) and a gzip header
without name or time, so the same tree always packs to the same bytes.

The staged app.conf's [install] ``build`` is SOURCE_DATE_EPOCH too when it is set: every release
(a new commit) raises it, so Splunk Web serves the new release's static files, not cached ones; the
repo's app.conf keeps its placeholder.
"""
import fnmatch
import gzip
import io
import os
import pathlib
import re
import shutil
import sys
import tarfile

REPO = pathlib.Path(__file__).resolve().parents[2]
APP_ID = "acltrace"

# Top-level entries of the installed app; ones that do not exist are skipped
# (README/ only exists once we define a custom .conf with a .spec).
ALLOW = ("app.manifest", "default", "metadata/default.meta", "bin", "lib", "lookups",
         "appserver", "static", "README", "LICENSE", "README.md")
# Never shipped, at any depth.
DENY = ("__pycache__", "*.pyc", "*.pyo", "*.egg-info", "*.dist-info/RECORD", "*.dist-info/INSTALLER",
        "*.dist-info/REQUESTED", "*.dist-info/direct_url.json", "local", "local.meta", "*~", "*.swp",
        "*.bak", "*.orig", "*.rej", "*.tmp", ".*",
        # AppInspect allows only lookup tables in lookups/; their descriptions stay in the repo.
        "lookups/*.md")


def denied(rel):
    """True when the repo-relative POSIX path ``rel`` (or one of its parents) must not ship."""
    parts = rel.split("/")
    for i, name in enumerate(parts):
        sub = "/".join(parts[: i + 1])
        for pat in DENY:
            if fnmatch.fnmatchcase(name, pat) or ("/" in pat and (
                    fnmatch.fnmatchcase(sub, pat) or fnmatch.fnmatchcase(sub, "*/" + pat))):
                return True
    return False


def shipped_files(root=REPO):
    """Yield the repo-relative POSIX paths of every file the package contains, sorted."""
    found = []
    for top in ALLOW:
        src = root / top
        if src.is_file():
            found.append(top)
        elif src.is_dir():
            for dirpath, dirnames, filenames in os.walk(src):
                rel_dir = pathlib.Path(dirpath).relative_to(root).as_posix()
                dirnames[:] = [d for d in dirnames if not denied(f"{rel_dir}/{d}")]
                found.extend(f"{rel_dir}/{f}" for f in filenames if not denied(f"{rel_dir}/{f}"))
    return sorted(p for p in found if not denied(p) and not (root / p).is_symlink())


def set_build(app_conf, build):
    """Write ``build`` as the [install] stanza's ``build`` of the app.conf at ``app_conf``."""
    text = app_conf.read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^(\[install\][^\[]*?^build[ \t]*=[ \t]*)\S*", rf"\g<1>{build}", text)
    if found != 1:
        raise SystemExit(f"{app_conf}: no build = in its [install] stanza")
    app_conf.write_text(text, encoding="utf-8")


def stage(dest, build=None):
    dest = pathlib.Path(dest)
    if dest.name != APP_ID:
        raise SystemExit(f"stage directory must be named {APP_ID!r} (Splunk and slim require it): {dest}")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for rel in shipped_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, target)
    if build:
        set_build(dest / "default" / "app.conf", build)
    for dirpath, _dirnames, filenames in os.walk(dest):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    return dest


def pack(staged, tgz, mtime):
    """Write ``staged`` as ``<APP_ID>/...`` into the gzip tarball ``tgz``, reproducibly."""
    staged = pathlib.Path(staged)
    paths = [staged] + sorted(staged.rglob("*"), key=lambda p: p.relative_to(staged).as_posix())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in paths:
            rel = path.relative_to(staged).as_posix()
            info = tar.gettarinfo(str(path), arcname=APP_ID if rel == "." else f"{APP_ID}/{rel}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = mtime, 0, 0, "root", "root"
            info.mode = 0o755 if info.isdir() else 0o644
            if info.isfile():
                with open(path, "rb") as fh:
                    tar.addfile(info, fh)
            else:
                tar.addfile(info)
    tgz = pathlib.Path(tgz)
    tgz.parent.mkdir(parents=True, exist_ok=True)
    with open(tgz, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue())
    return tgz


def main(argv):
    if len(argv) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    staged = stage(argv[0], mtime)
    print(f"staged {len(shipped_files())} files into {staged}" + (f", build {mtime}" if mtime else ""))
    if len(argv) == 2:
        print(f"packed {pack(staged, argv[1], mtime)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
