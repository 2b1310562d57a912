"""Walks that reach the end of an agent's view (issue 16.11): snmpsim serving tests/data/snmpsim/view-end
and no-such (tools/generators/make_snmprec.py), each behind a Recorder that notes every request."""
import time
from collections import Counter

import pytest
from conftest import CORPUS
from snmpagent import Agent, Recorder

from acltrace.snmp.collect import Device, collect
from acltrace.snmp.walk import Credentials


@pytest.fixture(scope="module")
def ends(tmp_path_factory):
    cache = tmp_path_factory.mktemp("snmpsim-cache")
    started = {name: Agent(CORPUS / "snmpsim" / name, cache) for name in ("view-end", "no-such")}
    try:
        for agent in started.values():
            agent.wait()
        yield {name: agent.port for name, agent in started.items()}
    finally:
        for agent in started.values():
            agent.stop()


def poll(port):
    with Recorder(port) as recorder:
        started = time.monotonic()
        [result] = collect([Device("127.0.0.1", recorder.port, Credentials(community="public"))],
                           timeout=2.0, retries=1, deadline=60)
        seconds = time.monotonic() - started
    return result, seconds, recorder.requests


def no_repeats(requests):
    repeated = [request for request, n in Counter(requests).items() if n > 1]
    assert not repeated, repeated


def test_a_view_that_ends_inside_the_vtp_and_bridge_tables(ends):
    result, seconds, requests = poll(ends["view-end"])
    assert seconds < 2.0, seconds       # no request waits for a timeout
    assert result.status["status"] == "ok" and result.status["device"] == "end-sw", result.status
    macs = sorted((row["vlan"], row["mac"], row["port"]) for row in result.rows if row["kind"] == "mac")
    # VLAN 20's view ends after 3 of its 5 dot1dTpFdbPort entries, before any dot1dTpFdbStatus
    assert macs == [("1", "00:50:56:01:01:01", "GigabitEthernet1/0/1"),
                    ("20", "00:50:56:20:01:00", "GigabitEthernet1/0/1"),
                    ("20", "00:50:56:20:01:01", "GigabitEthernet1/0/2"),
                    ("20", "00:50:56:20:01:02", "GigabitEthernet1/0/3")]
    no_repeats(requests)
    communities = Counter(community for community, *_ in requests)
    assert set(communities) == {"public", "public@1", "public@20"}


def test_a_device_without_sysname_or_tables(ends):
    result, seconds, requests = poll(ends["no-such"])
    assert seconds < 2.0, seconds
    assert result.status["status"] == "ok" and result.rows == []
    assert result.status["device"] == "127.0.0.1"       # sysName.0 is noSuchObject: the host names it
    no_repeats(requests)
    assert ("public", "GetRequestPDU", None, ("1.3.6.1.2.1.1.5.0",)) in requests


def test_an_answer_that_would_loop_ends_the_column_only():
    """What snmpsim cannot send: a GETBULK answer whose OID does not increase, or noSuchObject /
    noSuchInstance in a walk. Each ends that column's walk (the rows before it kept), asks nothing again
    and does not cut the poll."""
    import asyncio

    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine
    from pysnmp.proto.rfc1902 import Integer, ObjectName
    from pysnmp.proto.rfc1905 import NoSuchInstance, NoSuchObject

    from acltrace.snmp.walk import Agent as Walker

    column = "1.3.6.1.2.1.17.4.3.1.2"
    row = (ObjectName(f"{column}.1"), Integer(7))
    for end in [(ObjectName(f"{column}.1"), Integer(7)), (ObjectName(f"{column}.0"), Integer(1)),
                (ObjectName(f"{column}.2"), NoSuchObject()), (ObjectName(f"{column}.2"), NoSuchInstance())]:
        agent = Walker(SnmpEngine(), None, Credentials(community="public"))
        agent._request = _Answers([(None, 0, 0, [row]), (None, 0, 0, [end]), (None, 0, 0, [row])])
        assert asyncio.run(agent.columns(column)) == {column: {(1,): 7}}
        assert agent._request.sent == 2 and agent.cut == ""


class _Answers:
    """Stands for Agent._request: each request (a pysnmp coroutine, never run) gets the next answer."""

    def __init__(self, answers):
        self.answers, self.sent = answers, 0

    async def __call__(self, command):
        command.close()
        self.sent += 1
        return self.answers[self.sent - 1]
