"""What every report format reads the same way in the core's incident and pattern rows: the labels'
order and titles, where an incident happens (written, keyed, grouped), label counts and ISO times.

A time no UTC calendar date holds (``acltrace.logs.device_time.in_calendar``: years 1 to 9999; a
device clock gone wild, 1e20, NaN, text) is an unknown time: ``iso`` gives "" for it and the formats
say "unknown" or leave it out; it never fails a report."""
from acltrace.logs.device_time import utc
from acltrace.triage.incidents import incident_key

# The order the report (and the JSON/CSV rows) gives the labels: what needs action first.
LABEL_ORDER = ("blaster_backscatter", "backscatter", "scan", "spoofed_source")
TITLES = {"blaster_backscatter": "Blaster backscatter", "backscatter": "Backscatter (answers to spoofed traffic)",
          "scan": "Scans", "spoofed_source": "Spoofed sources"}


def report_order(row: dict) -> tuple:
    """Sort key of a row: its label in LABEL_ORDER (unknown ones last), then its place and first time."""
    label = row["label"]
    rank = LABEL_ORDER.index(label) if label in LABEL_ORDER else len(LABEL_ORDER)
    return (rank, row.get("dvc", ""), row.get("src_interface", ""), row.get("src_mac", ""),
            row.get("src_ip", ""), row["first_seen"])


def iso(epoch: float) -> str:
    """1795602473.949 -> '2026-11-25T10:27:53.949Z' (milliseconds when there are any); "" for a time
    that is unknown (None, not a number, or out of the calendar's years 1 to 9999)."""
    when = utc(epoch)
    if when is None:
        return ""
    text = when.replace(microsecond=0, tzinfo=None).isoformat()     # the year always in 4 digits
    if when.microsecond:
        text += f".{when.microsecond // 1000:03d}"
    return text + "Z"


def place_text(row: dict) -> str:
    """Where the packets enter: 'gw-rtr1 FastEthernet0/1, MAC 00:0d:56:aa:1b:2c'."""
    where = " ".join(part for part in (row.get("dvc"), row.get("src_interface")) if part) or "an unknown device"
    return f"{where}, MAC {row['src_mac']}" if row.get("src_mac") else where


def plural(n, word: str, words: str = "") -> str:
    """'1 event', '2 events', '3 addresses' (``words``: the plural when it is not ``word`` + 's')."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def targets_text(row: dict) -> str:
    """'to 12 addresses, 9 ports', 'to 3 addresses', '': the counts an incident has (a 0 is a fact
    it lacks: destinations named by host name, ICMP without ports), never '0 addresses'."""
    parts = [plural(row[name], word, words) for name, word, words in (
        ("dest_count", "address", "addresses"), ("dest_port_count", "port", "")) if row.get(name)]
    return f"to {', '.join(parts)}" if parts else ""


def place_key(row: dict) -> tuple:
    """The place of an incident or pattern row, as the incidents group events (``incident_key``)."""
    return incident_key(row, row["label"])


def by_place(rows: list) -> list:
    """The rows of each place, in label order, the busiest place first."""
    places: dict = {}
    for row in rows:
        places.setdefault(place_key(row), []).append(row)
    return sorted(places.values(), key=lambda group: (report_order(group[0])[0], -sum(r["events"] for r in group)))


def count_labels(rows: list) -> dict:
    """{label: how many rows have it}."""
    counts: dict = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    return counts
