"""Shared test fixtures: where the app, its core package and the peer corpus are."""
import importlib
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = REPO / "bin"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"

if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def corpus():
    if not CORPUS.is_dir():
        pytest.fail(f"peer corpus not found at {CORPUS}: shared/ must sit beside the repo")
    return CORPUS


def import_tool(name):
    """A module of tools/ (build helpers are scripts, not a package)."""
    sys.path.insert(0, str(REPO / "tools"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(REPO / "tools"))
