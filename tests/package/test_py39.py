"""The app runs on Splunk's Python 3.9 (and 3.13): compile and import it under the real interpreters.

vermin checks the syntax statically; this runs the interpreters themselves on everything under
bin/ and lib/. An interpreter that is not found fails the test in CI (CI=true) and skips it locally.
Set ACLTRACE_PYTHON39 / ACLTRACE_PYTHON313 to point at one explicitly.
"""
import glob
import os
import shutil
import subprocess

import pytest

# Compile every file in memory (nothing written), then import the core, the SDK and each command script.
CHECK = r"""
import importlib.util, pathlib, sys
sys.path[:0] = ["bin", "lib"]
for root in ("bin", "lib"):
    for path in sorted(pathlib.Path(root).rglob("*.py")):
        compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
import acltrace, acltrace.logs.parser, acltrace.logs.fields
import splunklib.searchcommands
for script in sorted(pathlib.Path("bin").glob("*.py")):
    spec = importlib.util.spec_from_file_location("_checked_" + script.stem, script)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(sys.version_info[:2], "ok")
"""


def find_python(major, minor):
    """The path of a python<major>.<minor> interpreter, or None."""
    override = os.environ.get(f"ACLTRACE_PYTHON{major}{minor}")
    if override:
        return override
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(root, "versions", f"{major}.{minor}.*", "bin", "python")), reverse=True)
    candidates += [p for p in [shutil.which(f"python{major}.{minor}")] if p]
    for exe in candidates:
        try:
            out = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        if out.returncode == 0 and out.stdout.strip() == str((major, minor)):
            return exe
    return None


@pytest.mark.parametrize("major,minor", [(3, 9), (3, 13)])
def test_bin_and_lib_compile_and_import(repo, major, minor):
    exe = find_python(major, minor)
    if exe is None:
        message = f"no Python {major}.{minor} interpreter found (pyenv or python{major}.{minor} on PATH)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + "; CI must check the versions Splunk runs")
        pytest.skip(message)
    if not (repo / "lib" / "splunklib").is_dir():
        pytest.fail("lib/ is not built: run `make build`")
    run = subprocess.run([exe, "-I", "-B", "-c", CHECK], cwd=repo, capture_output=True, text=True, timeout=300,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == 0, f"{exe}:\n{run.stdout}\n{run.stderr}"
    assert f"({major}, {minor}) ok" in run.stdout
