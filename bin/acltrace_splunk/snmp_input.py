"""What the acltrace_snmp modular input and its configuration page need from the core, without Splunk.

- ``settings(params)``: an input stanza's values checked and converted (``ValueError`` with a message
  an admin can act on);
- ``account_credentials(account)``: an SNMP account (the ``acltrace_account.conf`` stanza with its
  secrets decrypted) as collector ``Credentials``; ``check_account`` is the same check for the
  configuration page, where a secret the admin did not retype comes back as a placeholder;
- ``Checkpoint``: each device's last poll time, so a restart polls only the devices that are due;
  ``record`` notes one device as soon as it is done (a line appended), ``save`` rewrites the whole;
- ``events(results)``: the collector's results as ``(sourcetype, time, JSON text)``, one per row and
  one ``acltrace:collector`` status per device;
- ``log_level(text)``: ``acltrace_settings.conf`` [logging] ``loglevel`` as one of ``LOG_LEVELS``.

Secrets (community, v3 keys) are never part of a message raised here.
"""
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional

from acltrace.snmp import DEFAULT_DEADLINE, DEFAULT_MAX_ROWS, RANGES
from acltrace.snmp.collect import TABLES, Device, parse_address
from acltrace.snmp.walk import AUTH_PROTOCOLS, PRIV_PROTOCOLS, Credentials

SOURCETYPES = {"mac": "acltrace:mac", "arp": "acltrace:arp", "neighbor": "acltrace:neighbor",
               "status": "acltrace:collector"}
VERSIONS = ("2c", "3")
DEFAULT_INTERVAL = 300
MIN_INTERVAL = 60
# A run of the input that comes a little early (splunkd's timer) still polls a device that is due.
EARLY = 0.1
MAX_DEVICES = 5000
PLACEHOLDERS = ("******", "********")   # what splunktaucclib shows for a stored secret
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LOG_LEVEL = "INFO"


@dataclass(frozen=True)
class Settings:
    devices: tuple       # ((host, port), ...)
    account: str
    tables: tuple
    timeout: float
    retries: int
    concurrency: int
    interval: int
    device_deadline: float = DEFAULT_DEADLINE
    max_rows: int = DEFAULT_MAX_ROWS


def parse_devices(text: str) -> tuple:
    """``HOST[:PORT]`` entries separated by commas, blanks or new lines, in order, without repeats."""
    found, bad = [], []
    for item in re.split(r"[,\s]+", text or ""):
        if not item:
            continue
        try:
            address = parse_address(item)
        except ValueError:
            bad.append(item)
            continue
        if address not in found:
            found.append(address)
    if bad:
        raise ValueError(f"devices: not HOST[:PORT]: {', '.join(bad[:5])}")
    if not found:
        raise ValueError("devices: give at least one HOST[:PORT] (comma or new-line separated)")
    if len(found) > MAX_DEVICES:
        raise ValueError(f"devices: at most {MAX_DEVICES} per input (split them over several inputs)")
    return tuple(found)


def parse_tables(text: Optional[str]) -> tuple:
    names = [t for t in re.split(r"[,\s]+", (text or "").strip().lower()) if t]
    unknown = [t for t in names if t not in TABLES]
    if unknown:
        raise ValueError(f"tables: unknown {', '.join(unknown)} (use {', '.join(TABLES)})")
    return tuple(t for t in TABLES if t in names) if names else TABLES


def _number(params: dict, name: str, default, kind, low, high):
    text = str(params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name}: not a number: {text!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name}: {text} is outside {low}..{high}")
    return value


def settings(params: dict) -> Settings:
    """An input stanza's parameters as ``Settings``; ValueError names the first bad one."""
    account = str(params.get("account") or "").strip()
    if not account:
        raise ValueError("account: name the SNMP account the devices are polled with")
    return Settings(
        devices=parse_devices(str(params.get("devices") or "")),
        account=account,
        tables=parse_tables(params.get("tables")),
        timeout=_number(params, "timeout", 2.0, *RANGES["timeout"]),
        retries=_number(params, "retries", 1, *RANGES["retries"]),
        concurrency=_number(params, "concurrency", 32, int, 1, 256),
        interval=_number(params, "interval", DEFAULT_INTERVAL, int, MIN_INTERVAL, 7 * 86400),
        device_deadline=_number(params, "device_deadline", DEFAULT_DEADLINE, *RANGES["device_deadline"]),
        max_rows=_number(params, "max_rows", DEFAULT_MAX_ROWS, *RANGES["max_rows"]),
    )


# --- accounts ----------------------------------------------------------------------------------

def _given(value) -> bool:
    return value is not None and str(value) != ""


def check_account(account: dict, stored_secrets: bool = False) -> None:
    """Raise ValueError when ``account`` cannot be used to poll; ``stored_secrets``: a placeholder
    stands for a secret already stored (the configuration page's edit form)."""
    version = str(account.get("snmp_version") or "2c").strip()
    if version not in VERSIONS:
        raise ValueError(f"snmp_version: {version!r} is not one of {', '.join(VERSIONS)}")
    if version == "2c":
        community = account.get("community")
        if not _given(community):
            raise ValueError("community: an SNMP v2c account needs a community")
        if stored_secrets and community in PLACEHOLDERS:
            return
        if len(community) > 255 or not community.isprintable() or any(c.isspace() for c in community):
            raise ValueError("community: up to 255 printable characters, no blanks")
        if "@" in community:
            raise ValueError("community: no '@' (acltrace adds @VLAN itself for Cisco's per-VLAN bridge tables)")
        return
    user = str(account.get("v3_user") or "")
    if not user:
        raise ValueError("v3_user: an SNMP v3 account needs a user name")
    if len(user) > 32 or not user.isprintable():
        raise ValueError("v3_user: 1 to 32 printable characters")
    for name, table in (("auth_protocol", AUTH_PROTOCOLS), ("priv_protocol", PRIV_PROTOCOLS)):
        value = str(account.get(name) or "").lower()
        if value and value not in table:
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(table)}")
    auth, priv = account.get("auth_key"), account.get("priv_key")
    if _given(priv) and not _given(auth):
        raise ValueError("priv_key: a v3 privacy key needs an authentication key (authPriv)")
    if not _given(auth):
        raise ValueError("auth_key: an SNMP v3 account needs an authentication key (authNoPriv or authPriv)")
    if stored_secrets:
        account = {k: ("x" * 8 if v in PLACEHOLDERS else v) for k, v in account.items()}
    account_credentials(account).check()


def account_credentials(account: dict) -> Credentials:
    """The collector's ``Credentials`` for an account stanza (secrets in clear)."""
    if str(account.get("snmp_version") or "2c").strip() == "2c":
        return Credentials(community=account.get("community") or None)
    return Credentials(user=account.get("v3_user") or None, auth_key=account.get("auth_key") or None,
                       auth_protocol=str(account.get("auth_protocol") or "sha").lower(),
                       priv_key=account.get("priv_key") or None,
                       priv_protocol=str(account.get("priv_protocol") or "aes").lower(),
                       context=account.get("context") or "")


def device_list(config: Settings, credentials: Credentials) -> list:
    return [Device(host, port, credentials) for host, port in config.devices]


# --- checkpoints -------------------------------------------------------------------------------

class Checkpoint:
    """``{device address: last poll, epoch s}`` of one input, a JSON file in splunkd's checkpoint_dir.

    The file is JSON lines, each ``{"polled": {address: time, ...}}``, later lines winning: ``save``
    writes it whole as one line (atomically), ``record`` appends one device's line as soon as that
    device is done, so a run that is stopped part way keeps what it polled. A line that cannot be read
    (a run killed mid-write) is skipped."""

    def __init__(self, directory: str, input_name: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", input_name)
        self.path = os.path.join(directory, f"{safe}.json")
        self.polled: dict = {}
        try:
            with open(self.path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, ValueError):
            text = ""
        for line in text.splitlines():
            try:
                self.polled.update({str(k): float(v) for k, v in json.loads(line).get("polled", {}).items()})
            except (ValueError, AttributeError, TypeError):
                continue
        self._clean_end = text.endswith("\n") or not text     # an append starts a line of its own

    def due(self, devices: list, interval: int, now: Optional[float] = None) -> list:
        """The devices not polled within ``interval`` (less a little slack for an early run)."""
        now = time.time() if now is None else now
        return [d for d in devices if now - self.polled.get(d.address, float("-inf")) >= interval * (1 - EARLY)]

    def record(self, address: str, when: float) -> None:
        """Note one device's poll now (one line appended and flushed)."""
        self.polled[address] = float(when)
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        line = json.dumps({"polled": {address: self.polled[address]}}) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line if self._clean_end else "\n" + line)
        self._clean_end = True

    def save(self, polled: dict, keep: list) -> None:
        """Record ``polled`` (address: time) and forget devices no longer in ``keep``: the file rewritten whole."""
        self.polled.update(polled)
        self.polled = {k: v for k, v in self.polled.items() if k in {d.address for d in keep}}
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.path), suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"polled": self.polled}, handle)
            handle.write("\n")
        os.replace(tmp, self.path)
        self._clean_end = True


# --- events ------------------------------------------------------------------------------------

def events(results, input_name: str = "") -> Iterator:
    """``(sourcetype, time, JSON text)`` for each row, then the device's status record, one at a time."""
    for result in results:
        for row in result.rows:
            yield SOURCETYPES[row["kind"]], row["time"], json.dumps(row)
        status = dict(result.status)
        if input_name:
            status["input"] = input_name
        yield SOURCETYPES["status"], status["time"], json.dumps(status)


def log_level(text: object) -> str:
    """The input's log level from ``acltrace_settings.conf`` [logging] ``loglevel`` (any case; ``WARN`` is
    ``WARNING``); DEFAULT_LOG_LEVEL for anything else."""
    level = str(text or "").strip().upper()
    level = "WARNING" if level == "WARN" else level
    return level if level in LOG_LEVELS else DEFAULT_LOG_LEVEL
