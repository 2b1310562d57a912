"""SNMP transport for the collector: GET and GETBULK column walks over v2c or v3, on pysnmp's asyncio API.

An ``Agent`` is one device in one context. ``columns`` walks several columns of a table, each by
its own GETBULK requests, all at once, and gives each column as ``{index: value}`` with the index a
tuple of ints and the value ``bytes`` (strings, addresses; at most ``MAX_OCTETS``) or ``int``. A
column's walk ends at the end of the agent's view (``endOfMibView``), at ``noSuchObject`` or
``noSuchInstance``, at the first OID past the column, or at one that does not increase (an agent
that would make it loop); the poll goes on with the next column. A
device that never answered raises ``NoAnswer``. Once it has answered, a request that times out or
gets an error cuts the poll: the walk returns what it had read, ``cut`` says why, and every later
request of the device (in any context) returns nothing at once, so a caller reads on to the end and
then looks at ``cut``.

``Limits`` bound one device's whole poll, whatever its agent does: ``deadline`` seconds for all its
requests (a request still unanswered then is abandoned), and ``max_rows`` table rows read (a call of
``columns`` reads as many rows as its longest column; interfaces, bridge ports and VLANs count too).
Reaching either cuts the poll as above (``cut`` names the limit and its number); a device that never
answered before the deadline raises ``NoAnswer``. So a device's memory is bounded by ``max_rows`` rows
of at most the columns of one call, each value of at most ``MAX_OCTETS`` bytes.

Keys (community, v3 passphrases) live only in ``Credentials``, whose repr hides them.
"""
import asyncio
import importlib.util
import time
from dataclasses import dataclass, field, replace
from typing import Optional

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    Udp6TransportTarget,
    UdpTransportTarget,
    UsmUserData,
    bulk_cmd,
    get_cmd,
)
from pysnmp.hlapi.v3arch.asyncio import auth as usm
from pysnmp.proto import errind
from pysnmp.proto.rfc1902 import ObjectName
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

AUTH_PROTOCOLS = {
    "md5": usm.USM_AUTH_HMAC96_MD5, "sha": usm.USM_AUTH_HMAC96_SHA, "sha224": usm.USM_AUTH_HMAC128_SHA224,
    "sha256": usm.USM_AUTH_HMAC192_SHA256, "sha384": usm.USM_AUTH_HMAC256_SHA384,
    "sha512": usm.USM_AUTH_HMAC384_SHA512,
}
PRIV_PROTOCOLS = {
    "des": usm.USM_PRIV_CBC56_DES, "3des": usm.USM_PRIV_CBC168_3DES, "aes": usm.USM_PRIV_CFB128_AES,
    "aes128": usm.USM_PRIV_CFB128_AES, "aes192": usm.USM_PRIV_CFB192_AES, "aes256": usm.USM_PRIV_CFB256_AES,
}
MAX_REPETITIONS = 50
_ENDS = (EndOfMibView, NoSuchObject, NoSuchInstance)
# The longest string value kept: every string column the collector reads (DisplayString,
# SnmpAdminString, LLDP and CDP ids, addresses) is at most 255 octets by its MIB, so only a hostile
# agent loses anything; a longer value is cut to this length.
MAX_OCTETS = 255


class SnmpError(Exception):
    """A device could not be read."""


class NoAnswer(SnmpError):
    """Nothing came back: host down or unreachable, wrong community, or wrong v3 user or keys."""


@dataclass(frozen=True)
class Limits:
    """What one device's poll may take: ``deadline`` seconds in all (None: no limit) and ``max_rows``
    table rows read (None: no limit)."""

    deadline: Optional[float] = None
    max_rows: Optional[int] = None


@dataclass
class _Progress:
    """What a device has done so far, shared by its contexts."""

    limits: Limits = field(default_factory=Limits)
    ends: float = float("inf")      # time.monotonic() of the deadline
    answered: bool = False
    cut: str = ""
    rows: int = 0                   # table rows read by the calls of ``columns`` done so far

    def remaining(self) -> float:
        return self.ends - time.monotonic()

    def room(self) -> float:
        """How many rows one more column may read before the row cap."""
        return float("inf") if self.limits.max_rows is None else self.limits.max_rows - self.rows


@dataclass(frozen=True)
class Credentials:
    """v2c (``community``) or v3 (``user`` with keys: authNoPriv without ``priv_key``, authPriv with it)."""

    community: Optional[str] = field(default=None, repr=False)
    user: Optional[str] = None
    auth_key: Optional[str] = field(default=None, repr=False)
    auth_protocol: str = "sha"
    priv_key: Optional[str] = field(default=None, repr=False)
    priv_protocol: str = "aes"
    context: str = ""      # v3 context of the device's own tables (devices use ""; snmpsim a data file's name)

    def check(self) -> None:
        """Raise ValueError when these credentials cannot be used (never quoting a key)."""
        if (self.community is None) == (self.user is None):
            raise ValueError("give either a community (SNMP v2c) or a v3 user")
        if self.user is not None:
            if self.auth_key is None and self.priv_key is not None:
                raise ValueError("a v3 privacy key needs an authentication key")
            if self.auth_protocol not in AUTH_PROTOCOLS:
                raise ValueError(f"v3 authentication protocol: one of {', '.join(AUTH_PROTOCOLS)}")
            if self.priv_protocol not in PRIV_PROTOCOLS:
                raise ValueError(f"v3 privacy protocol: one of {', '.join(PRIV_PROTOCOLS)}")
            for key in (self.auth_key, self.priv_key):
                if key is not None and len(key) < 8:
                    raise ValueError("v3 keys (passphrases) must have at least 8 characters")
            if self.priv_key is not None and importlib.util.find_spec("cryptography") is None:
                raise ValueError("SNMPv3 privacy (authPriv) needs the 'cryptography' package, "
                                 "which this Python does not have")

    def in_vlan(self, vlan: int) -> "Credentials":
        """Cisco's per-VLAN bridge tables: community ``name@VLAN`` (v2c) or context ``vlan-N`` (v3)."""
        if self.community is not None:
            return replace(self, community=f"{self.community}@{vlan}")
        return replace(self, context=f"vlan-{vlan}")

    def _auth_data(self):
        if self.community is not None:
            return CommunityData(self.community, mpModel=1)
        return UsmUserData(
            self.user, authKey=self.auth_key, privKey=self.priv_key,
            authProtocol=AUTH_PROTOCOLS[self.auth_protocol] if self.auth_key else usm.USM_AUTH_NONE,
            privProtocol=PRIV_PROTOCOLS[self.priv_protocol] if self.priv_key else usm.USM_PRIV_NONE)


class Agent:
    """One device's agent in one context: GETs and column walks, each request with its timeout and retries."""

    def __init__(self, engine: SnmpEngine, target, credentials: Credentials,
                 max_repetitions: int = MAX_REPETITIONS, limits: Limits = Limits(),
                 started: Optional[float] = None) -> None:
        self.engine, self.target, self.credentials = engine, target, credentials
        self.max_repetitions = max_repetitions
        self._auth = credentials._auth_data()
        self._context = ContextData(contextName=credentials.context)
        self._progress = _Progress(limits)
        if limits.deadline is not None:
            self._progress.ends = (time.monotonic() if started is None else started) + limits.deadline

    @property
    def cut(self) -> str:
        """Why the poll was cut off part way ("" while it was not)."""
        return self._progress.cut

    @classmethod
    async def open(cls, engine: SnmpEngine, host: str, port: int, credentials: Credentials,
                   timeout: float, retries: int, limits: Limits = Limits()) -> "Agent":
        """The device's agent; its ``limits`` count from now."""
        started = time.monotonic()
        transport = Udp6TransportTarget if ":" in host else UdpTransportTarget
        try:
            target = await asyncio.wait_for(transport.create((host, port), timeout=timeout, retries=retries),
                                            limits.deadline)
        except asyncio.TimeoutError:
            raise NoAnswer(f"cannot resolve {host} within the device deadline of {limits.deadline:g} s") from None
        except Exception as error:  # pysnmp wraps resolver errors in its own PySnmpError
            raise NoAnswer(f"cannot resolve {host}: {error}") from None
        return cls(engine, target, credentials, limits=limits, started=started)

    def in_vlan(self, vlan: int) -> "Agent":
        """The same device, its bridge tables of ``vlan`` (Cisco); the same limits and progress."""
        agent = Agent(self.engine, self.target, self.credentials.in_vlan(vlan), self.max_repetitions)
        agent._progress = self._progress
        return agent

    async def get(self, *oids: str) -> dict:
        """``{oid: value}`` of the instances that exist."""
        if self.cut:
            return {}
        answer = await self._request(get_cmd(
            self.engine, self._auth, self.target, self._context,
            *(ObjectType(ObjectIdentity(oid)) for oid in oids), lookupMib=False))
        if answer is None:
            return {}
        error, status, _, var_binds = answer
        if not self._answered(error, status):
            return {}
        return {str(name): _value(value) for name, value in var_binds if not isinstance(value, _ENDS)}

    async def columns(self, *columns: str) -> dict:
        """``{column: {index: value}}`` for each of ``columns`` (dotted OIDs), walked side by side; the
        rows they read (the longest column's) count against the row cap."""
        walks = await asyncio.gather(*(self._walk(column) for column in columns))
        self._progress.rows += max((len(walk) for walk in walks), default=0)
        return dict(zip(columns, walks))

    async def _walk(self, column: str) -> dict:
        """One column by GETBULK; the walks of a table's columns run at once, so while the agent
        answers one the collector decodes another. Each request starts after the last OID read, so
        no request is sent twice (pysnmp's own retries of an unanswered one aside)."""
        root = last = ObjectName(column)
        got: dict = {}
        room = self._progress.room()
        while not self.cut:
            answer = await self._request(bulk_cmd(
                self.engine, self._auth, self.target, self._context, 0, self.max_repetitions,
                ObjectType(ObjectIdentity(last)), lookupMib=False))
            if answer is None:
                break
            error, status, _, var_binds = answer
            if not self._answered(error, status) or not var_binds:
                break
            for name, value in var_binds:
                # the end of the agent's view, an answer of no such object/instance, another column or
                # an OID that does not increase (asking again would loop) end this column's walk
                if isinstance(value, _ENDS) or not root.isPrefixOf(name) or name <= last:
                    return got
                if len(got) >= room:
                    self._progress.cut = f"cut off at the row cap of {self._progress.limits.max_rows} rows"
                    return got
                got[tuple(name[len(root):])] = _value(value)
                last = name
        return got

    async def _request(self, command) -> Optional[tuple]:
        """The answer to ``command`` (a pysnmp request), or None when the deadline came first (the
        poll is then cut off; a device that never answered raises NoAnswer)."""
        remaining = self._progress.remaining()
        if remaining > 0:
            try:
                return await asyncio.wait_for(command, None if remaining == float("inf") else remaining)
            except asyncio.TimeoutError:
                pass
        else:
            command.close()     # never started
        deadline = self._progress.limits.deadline
        if not self._progress.answered:
            raise NoAnswer(f"no answer within the device deadline of {deadline:g} s: host down or unreachable, "
                           "or wrong community or v3 user/keys")
        self._progress.cut = self._progress.cut or f"cut off at the device deadline of {deadline:g} s"
        return None

    def _answered(self, error, status) -> bool:
        """True for an answer; raises NoAnswer if the device never answered, else notes the cut."""
        if error and not self._progress.answered:
            if isinstance(error, errind.RequestTimedOut):
                raise NoAnswer(f"no answer ({error}): host down or unreachable, or wrong community or v3 user/keys")
            raise NoAnswer(f"refused: {error}")
        self._progress.answered = True
        if error or status:
            self._progress.cut = f"walk cut off: {error or 'agent error ' + status.prettyPrint()}"
            return False
        return True


def _value(value) -> object:
    """``bytes`` for strings and addresses (at most MAX_OCTETS), ``int`` for numbers, a tuple of ints for OIDs."""
    if hasattr(value, "asOctets"):
        return value.asOctets()[:MAX_OCTETS]
    if hasattr(value, "asTuple"):
        return value.asTuple()
    return int(value)
