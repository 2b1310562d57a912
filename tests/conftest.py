"""Shared test fixtures: where the app, its core package and the test data (tests/data) are."""
import importlib
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = REPO / "bin"
# The peer cases, device outputs and splunkd recordings, each folder with its source and licence.
CORPUS = REPO / "tests" / "data"

# The app's bin/ (the core and the Splunk adapter) and the tests' own helpers (tests/support).
for path in (BIN, REPO / "tests" / "support"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


@pytest.fixture(scope="session")
def repo():
    return REPO


@pytest.fixture(scope="session")
def corpus():
    return CORPUS


def import_tool(name):
    """A module of tools/build (build helpers are scripts, not a package)."""
    sys.path.insert(0, str(REPO / "tools" / "build"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(REPO / "tools" / "build"))


@pytest.fixture(scope="session")
def agents(tmp_path_factory):
    """A port per simulated device: cisco-access, arista-dist, router, slow."""
    from snmpagent import Agent

    cache = tmp_path_factory.mktemp("snmpsim-cache")
    names = ("cisco-access", "arista-dist", "router", "slow")
    started = {name: Agent(CORPUS / "snmpsim" / name, cache) for name in names}
    try:
        for agent in started.values():
            agent.wait()
        yield {name: agent.port for name, agent in started.items()}
    finally:
        for agent in started.values():
            agent.stop()


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """Agents written for the limits' tests (make_snmprec, not committed): ``big``, a Q-BRIDGE switch of
    5000 MACs on 48 ports (far over a small row cap), and ``dawdling``, 1000 MACs on 8 ports whose every
    GETBULK of 50 answers in time, after 0.25 s (~5 s for the walk: past a short deadline)."""
    from snmpagent import generated

    root = tmp_path_factory.mktemp("hostile")
    started = {"big": generated("qbridge_switch", root / "big", macs=5000, vlans=10),
               "dawdling": generated("dawdling", root / "dawdling", entries=1000, every=50, wait_ms=250)}
    try:
        for agent in started.values():
            agent.wait(120)
        yield {name: agent.port for name, agent in started.items()}
    finally:
        for agent in started.values():
            agent.stop()
