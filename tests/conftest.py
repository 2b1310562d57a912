"""Shared test fixtures: where the app, its core package and the peer corpus are."""
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
