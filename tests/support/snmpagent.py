"""Real SNMP agents for the tests and the benchmark: snmpsim serving a recordings directory on 127.0.0.1.

snmpsim refuses to run as root unless told a user to drop to; it is told the current user and group,
so as root (CI) it keeps root and reads the Python it runs on, and as anyone else it stays who it is.
Its index cache goes to a directory of the caller's. ``generated`` serves a device that
tools/generators/make_snmprec.py writes on the spot (a table too large to commit, a dawdling agent).
``Recorder`` stands between a collector and an agent and notes every v2c request that passes.
"""
import grp
import os
import pwd
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

RESPONDER = Path(sys.executable).with_name("snmpsim-command-responder")
GENERATORS = Path(__file__).resolve().parents[2] / "tools" / "generators"
V3_USERS = {  # user: (auth key, priv key or None); SHA and AES
    "acltrace": ("authkey-123", "privkey-456"),
    "acltrace-auth": ("authkey-789", None),
}


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Agent:
    """One snmpsim process serving ``data_dir`` at 127.0.0.1:``port`` (and ``more`` other ports, each
    one more device with the same data), v2c and the v3 users above."""

    def __init__(self, data_dir: Path, cache_dir: Path, more: int = 0) -> None:
        self.data_dir, self.ports = data_dir, [free_udp_port() for _ in range(1 + more)]
        self.port = self.ports[0]
        command = [str(RESPONDER), f"--data-dir={data_dir}", f"--cache-dir={cache_dir}", "--logging-method=null",
                   *(f"--agent-udpv4-endpoint=127.0.0.1:{port}" for port in self.ports),
                   f"--process-user={pwd.getpwuid(os.getuid()).pw_name}",
                   f"--process-group={grp.getgrgid(os.getgid()).gr_name}"]
        for user, (auth, priv) in V3_USERS.items():
            command += [f"--v3-user={user}", f"--v3-auth-key={auth}", "--v3-auth-proto=SHA"]
            if priv:
                command += [f"--v3-priv-key={priv}", "--v3-priv-proto=AES"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self, seconds: float = 60.0) -> "Agent":
        """Return once the agent answers a GET of sysName on each port (it indexes its data files first)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"snmpsim exited: {self.process.stderr.read().decode(errors='replace')[-2000:]}")
            if all(_answers(port) for port in self.ports):
                return self
            time.sleep(0.2)
        raise RuntimeError(f"snmpsim on port {self.port} did not answer within {seconds} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# A v2c GET of sysName.0 with community "public", as BER.
_GET_SYSNAME = bytes.fromhex("302702010104067075626c6963a01a02020001020100020100300e300c06082b060102010105000500")


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.5)
        sock.sendto(_GET_SYSNAME, ("127.0.0.1", port))
        try:
            return bool(sock.recv(65535))
        except OSError:
            return False


def generated(recording: str, directory: Path, **options) -> Agent:
    """An agent (started; ``wait`` for it) serving what make_snmprec's function ``recording`` writes,
    with ``options``, into ``directory`` (its cache in ``directory``/cache)."""
    if str(GENERATORS) not in sys.path:
        sys.path.insert(0, str(GENERATORS))
    import make_snmprec

    getattr(make_snmprec, recording)(directory / "data", **options)
    return Agent(directory / "data", directory / "cache")


class Recorder:
    """A UDP relay on 127.0.0.1:``port`` to the agent on ``agent_port`` that notes each v2c request it
    passes on as (community, PDU type, non-repeaters and max-repetitions or None, OIDs): a request sent
    twice (a new request id for the same question) shows as a repeated entry. Use it as a context manager."""

    def __init__(self, agent_port: int) -> None:
        self.requests: list = []
        self._front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._front.bind(("127.0.0.1", 0))
        self.port = self._front.getsockname()[1]
        self._back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._back.connect(("127.0.0.1", agent_port))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._relay, daemon=True)

    def __enter__(self) -> "Recorder":
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()
        self._front.close()
        self._back.close()

    def _relay(self) -> None:
        client = None
        while not self._stop.is_set():
            ready, _, _ = select.select([self._front, self._back], [], [], 0.1)
            if self._front in ready:
                data, client = self._front.recvfrom(65535)
                self.requests.append(_request(data))
                self._back.send(data)
            if self._back in ready:
                data = self._back.recv(65535)
                if client:
                    self._front.sendto(data, client)


def _request(data: bytes) -> tuple:
    from pyasn1.codec.ber import decoder
    from pysnmp.proto import api

    v2c = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    message, _ = decoder.decode(data, asn1Spec=v2c.Message())
    pdu = v2c.apiMessage.get_pdu(message)
    bulk = None
    if pdu.isSameTypeWith(v2c.GetBulkRequestPDU()):
        bulk = (int(v2c.apiBulkPDU.get_non_repeaters(pdu)), int(v2c.apiBulkPDU.get_max_repetitions(pdu)))
    names = tuple(str(name) for name, _ in v2c.apiPDU.get_varbinds(pdu))
    return str(v2c.apiMessage.get_community(message)), pdu.__class__.__name__, bulk, names
