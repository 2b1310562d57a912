"""``acltrace triage --format html``: the triage as one self-contained HTML page.

The same story as the text report, for a browser and offline: no network and no CDN, the CSS,
the script and the SVG charts are inline, the fonts the system's. Standard library only.

- a heading with the counts (ACL events, incidents by label);
- the incidents table (label, device, interface, MAC, where the MAC trace led, destination /16,
  events, rate, first/last seen; under them the explanation and next steps) with a search box that
  hides the incidents without every word typed (``#q=acc-sw2`` in the address applies a search on
  load);
- a timeline: events over time by label, stacked SVG bars (an incident's events spread evenly
  over its span);
- the hour-of-day pattern: events per UTC hour per day, and per place with its burst pattern
  ("4 bursts about 61 min apart over 3.1 h");
- the trace of each place: verdict, switch port and the path hop by hop;
- what to do next, per place.

A time no calendar holds (``incident_rows.iso``) shows as "unknown"; the incidents with such a time
stay in the table and are left out of the timeline and the hour-of-day tables (which place events
in time); a timeline of more than ``MAX_BINS`` x 30 days widens its bars to keep at most
``MAX_BINS`` of them.

The page is rendered here; the script only filters the table. Everything from logs and device
captures goes through ``html.escape`` (text and attributes alike), so an event carrying
``<script>`` shows as text.
"""
import html
import math
from typing import IO

from acltrace.logs.device_time import in_calendar, utc
from acltrace.report.incident_rows import (
    LABEL_ORDER,
    TITLES,
    by_place,
    count_labels,
    iso,
    place_key,
    place_text,
    plural,
    targets_text,
)

COLORS = {"blaster_backscatter": "#c0392b", "backscatter": "#e67e22", "scan": "#2e86c1",
          "spoofed_source": "#8e44ad"}
OTHER_COLOR = "#7f8c8d"
SHORT = {"blaster_backscatter": "Blaster", "backscatter": "Backscatter", "scan": "Scan",
         "spoofed_source": "Spoofed"}
# Bin and tick widths of the timeline, in seconds: the smallest that keeps it within MAX_BINS bars.
STEPS = (60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400,
         14 * 86400, 30 * 86400)
MAX_BINS = 60
MAX_TICKS = 10


def write_html(out: IO[str], incidents: list, patterns: list, summary: dict) -> None:
    """Write the page (``incidents`` and ``patterns`` in report order, times in epoch seconds)."""
    counts = count_labels(incidents)
    found = ", ".join(f"{counts[label]} {SHORT.get(label, label)}" for label in _labels(counts)) or "none"
    title = f"acltrace triage: {found}"
    parts = [
        _header(incidents, summary, counts),
        _incidents_section(incidents),
        _timeline_section(incidents),
        _hours_section(incidents, patterns),
        _trace_section(incidents),
        _next_steps_section(incidents),
        _footer(summary),
    ]
    out.write(PAGE.format(title=_e(title), style=STYLE, body="\n".join(parts), script=SCRIPT))


def _footer(summary: dict) -> str:
    """'acltrace triage, year 2026, classifier window 300 s, incident timeout 300 s. All times UTC.',
    each setting the summary holds (no year without --year)."""
    settings = [f"{name} {_number(summary.get(key))}{unit}" for key, name, unit in (
        ("year", "year", ""), ("window", "classifier window", " s"), ("timeout", "incident timeout", " s"))
        if _number(summary.get(key))]
    return f"<footer>{_e(', '.join(['acltrace triage'] + settings))}. All times UTC.</footer>"


def _e(value) -> str:
    """Text or attribute value, escaped (quotes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def _number(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _labels(counts: dict) -> list:
    """The labels present, in report order (unknown ones last, by name)."""
    return [label for label in LABEL_ORDER if label in counts] + sorted(set(counts) - set(LABEL_ORDER))


def _color(label: str) -> str:
    return COLORS.get(label, OTHER_COLOR)


def _badge(label: str) -> str:
    return (f'<span class="badge" style="background:{_color(label)}" title="{_e(label)}">'
            f"{_e(SHORT.get(label, label))}</span>")


# --- heading --------------------------------------------------------------------------------

def _header(incidents: list, summary: dict, counts: dict) -> str:
    cards = [_card(summary.get("acl_events", 0), "ACL events")]
    cards += [_card(counts[label], f"{TITLES.get(label, label)} incident(s)", _color(label))
              for label in _labels(counts)]
    if not incidents:
        cards.append(_card(0, "incidents"))
    traced = sum(1 for row in incidents if (row.get("trace") or {}).get("verdict") == "edge_port")
    if any(row.get("trace") for row in incidents):
        cards.append(_card(traced, "traced to a switch port"))
    lines = [f'<header><h1>acltrace triage</h1><p class="sources">of {_e(", ".join(summary.get("sources", [])))}</p>',
             f'<div class="cards">{"".join(cards)}</div>']
    labels = summary.get("labels") or {}
    if labels:
        shown = ", ".join(f"{_e(n)} {_e(label)}" for label, n in sorted(labels.items(), key=lambda kv: -kv[1]))
        lines.append(f'<p class="muted">Events by label: {shown}.</p>')
    if summary.get("events_without_time"):
        lines.append(f'<p class="warn">{_e(plural(summary["events_without_time"], "ACL event"))} with a device '
                     "time that cannot be placed: labelled alone, in no incident.</p>")
    if summary.get("unreadable_sources"):
        lines.append('<p class="warn">Not read whole, the report covers what they gave: '
                     f'{_e("; ".join(summary["unreadable_sources"]))}.</p>')
    return "\n".join(lines) + "</header>"


def _card(value, text: str, color: str = "#34495e") -> str:
    return (f'<div class="card" style="border-top-color:{color}"><div class="value">{_e(value)}</div>'
            f'<div class="what">{_e(text)}</div></div>')


# --- incidents table ------------------------------------------------------------------------

COLUMNS = ("Label", "Device", "Interface", "MAC", "Source IP", "Traced to", "Destination /16",
           "Events", "Rate", "First seen", "Last seen")


def _incidents_section(incidents: list) -> str:
    head = "".join(f"<th>{_e(name)}</th>" for name in COLUMNS)
    rows = "\n".join(_incident_row(number, row) for number, row in enumerate(incidents, 1))
    if not incidents:
        rows = f'<tbody><tr class="none"><td colspan="{len(COLUMNS)}">No incident was found.</td></tr></tbody>'
    return f"""<section id="incidents"><h2>Incidents</h2>
<div class="search"><label for="q">Search</label>
<input id="q" type="search" placeholder="label, device, MAC, switch, address ..." autocomplete="off">
<span id="shown" aria-live="polite">{len(incidents)} of {len(incidents)} incidents</span></div>
<div class="scroll"><table id="incident-table"><thead><tr>{head}</tr></thead>
{rows}
</table></div></section>"""


def _incident_row(number: int, row: dict) -> str:
    trace = row.get("trace") or {}
    share = row.get("dest_net_share")
    net = _e(row.get("dest_net") or "")
    if net and share:
        percent = f"{round(share * 100)}%" if share >= 0.005 else "under 1%"
        net += f' <span class="muted">({_e(percent)})</span>'
    rate = f"{_e(row['pps'])} pkt/s" if row.get("pps") else ""
    cells = [
        _badge(row["label"]),
        _e(row.get("dvc", "")),
        _e(row.get("src_interface", "")),
        f'<code>{_e(row.get("src_mac", ""))}</code>',
        _e(row.get("src_ip", "")),
        _trace_cell(trace),
        net,
        f'{_e(row.get("events", ""))}' + (f'<div class="muted">{_e(targets_text(row))}</div>'
                                          if targets_text(row) else ""),
        rate,
        _time(row.get("first_seen")),
        _time(row.get("last_seen")),
    ]
    # One tbody per incident: its cells, then what it means and what to do across the table.
    return (f'<tbody id="incident-{number}" class="incident" data-label="{_e(row["label"])}"><tr>'
            + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"
            f'<tr class="detail"><td colspan="{len(COLUMNS)}">{_e(row.get("explanation", ""))}'
            f'<p class="next"><strong>Next:</strong> {_e(row.get("next_steps", ""))}</p></td></tr></tbody>')


def _trace_cell(trace: dict) -> str:
    if not trace:
        return ""
    verdict = trace.get("verdict", "")
    where = " ".join(str(part) for part in (trace.get("switch"), trace.get("port")) if part)
    if trace.get("vlan"):
        where += f" vlan {trace['vlan']}"
    text = f'<span class="verdict v-{_e(verdict)}">{_e(verdict)}</span>'
    if where:
        text += f" <strong>{_e(where)}</strong>"
    if trace.get("path"):
        text += f'<div class="muted path">{_e(trace["path"])}</div>'
    return text


def _time(epoch) -> str:
    if epoch is None:
        return ""
    text = iso(epoch)
    if not text:
        return '<span class="muted">unknown</span>'
    return f'<time datetime="{_e(text)}">{_e(text[:10])}<br>{_e(text[11:])}</time>'


# --- timeline -------------------------------------------------------------------------------

def _spread(row: dict, start: float, width: float, nbins: int) -> dict:
    """The row's events spread evenly over its span, as {bin index: events}."""
    first, last, events = row["first_seen"], row["last_seen"], row.get("events", 0)
    if last <= first:
        return {min(nbins - 1, int((first - start) // width)): float(events)}
    found: dict = {}
    index = int((first - start) // width)
    while index < nbins:
        low, high = start + index * width, start + (index + 1) * width
        overlap = min(high, last) - max(low, first)
        if overlap > 0:
            found[index] = found.get(index, 0.0) + events * overlap / (last - first)
        if high >= last:
            break
        index += 1
    return found


def _timed(rows: list) -> list:
    """The rows whose first and last times a calendar holds (the others cannot be placed in time)."""
    return [row for row in rows if in_calendar(row["first_seen"]) and in_calendar(row["last_seen"])]


def _timeline_section(incidents: list) -> str:
    heading = '<section id="timeline"><h2>Timeline: events over time by label</h2>'
    if not incidents:
        return heading + '<p class="muted">No incident, no timeline.</p></section>'
    incidents = _timed(incidents)
    if not incidents:
        return heading + '<p class="muted">No incident with a known time, no timeline.</p></section>'
    t0 = min(row["first_seen"] for row in incidents)
    t1 = max(row["last_seen"] for row in incidents)
    span = max(t1 - t0, 60.0)
    # Past MAX_BINS bars of the widest step (~5 years), bars of a whole number of that step.
    width = next((step for step in STEPS if span / step <= MAX_BINS),
                 STEPS[-1] * math.ceil(span / STEPS[-1] / MAX_BINS))
    start = math.floor(t0 / width) * width
    nbins = int((t1 - start) // width) + 1
    labels = _labels(count_labels(incidents))
    bins = {label: [0.0] * nbins for label in labels}
    for row in incidents:
        for index, events in _spread(row, start, width, nbins).items():
            bins[row["label"]][index] += events
    totals = [sum(bins[label][i] for label in labels) for i in range(nbins)]
    top = max(totals) or 1.0
    left, right, plot_top, plot_h, chart_w = 56, 16, 12, 180, 1000
    plot_w = chart_w - left - right
    bar_w = plot_w / nbins
    bottom = plot_top + plot_h
    parts = [f'<svg id="timeline-chart" class="chart" viewBox="0 0 {chart_w} {bottom + 44}" '
             f'role="img" aria-label="events over time by label">',
             f'<line class="axis" x1="{left}" y1="{bottom}" x2="{chart_w - right}" y2="{bottom}"/>']
    for fraction in (0.5, 1.0):
        y = bottom - plot_h * fraction
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{chart_w - right}" y2="{y:.1f}"/>'
                     f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{_e(_round(top * fraction))}</text>")
    parts.append(f'<text class="tick" x="{left - 6}" y="{bottom + 4}" text-anchor="end">0</text>')
    for index in range(nbins):
        base = bottom
        low = start + index * width
        for label in labels:
            value = bins[label][index]
            if value <= 0:
                continue
            height = plot_h * value / top
            base -= height
            x = left + index * bar_w
            parts.append(f'<rect class="bar" data-label="{_e(label)}" x="{x + 1:.1f}" y="{base:.1f}" '
                         f'width="{max(bar_w - 2, 1):.1f}" height="{height:.1f}" fill="{_color(label)}">'
                         f"<title>{_e(SHORT.get(label, label))}: {_e(_round(value))} {_events(value)}, "
                         f"{_e(iso(low)[:16].replace('T', ' '))} + {_e(_duration(width))}</title></rect>")
    tick = next((step for step in STEPS if step >= width and (nbins * width) / step <= MAX_TICKS),
                width * math.ceil(nbins / MAX_TICKS))
    first_tick = math.ceil(start / tick) * tick
    multi_day = iso(start)[:10] != iso(start + nbins * width)[:10]
    moment = first_tick
    while moment <= start + nbins * width:
        x = left + (moment - start) / width * bar_w
        text = iso(moment)[5:16].replace("T", " ") if multi_day else iso(moment)[11:16]
        parts.append(f'<line class="grid" x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 5}"/>'
                     f'<text class="tick" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">{_e(text)}</text>')
        moment += tick
    parts.append(f'<text class="tick" x="{left}" y="{bottom + 38}">UTC, {_e(iso(start)[:10])}; '
                 f"bars of {_e(_duration(width))}</text></svg>")
    legend = "".join(f'<span class="key"><i style="background:{_color(label)}"></i>'
                     f"{_e(TITLES.get(label, label))}</span>" for label in labels)
    return heading + f'<div class="legend">{legend}</div>' + "".join(parts) + "</section>"


def _round(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"


def _events(value: float) -> str:
    """'event' after a count that rounds to 1, else 'events' (the charts' counts are spread, 2.5)."""
    return "event" if _round(value) == "1" else "events"


def _duration(seconds: float) -> str:
    if seconds % 86400 == 0:
        return f"{int(seconds // 86400)} d"
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 60)} min"


# --- hour of day ----------------------------------------------------------------------------

def _hourly(rows: list) -> dict:
    """{(UTC date, hour): events} of the rows, each row's events spread over its span."""
    found: dict = {}
    for row in _timed(rows):
        start = math.floor(row["first_seen"] / 3600) * 3600
        nbins = int((row["last_seen"] - start) // 3600) + 1
        for index, events in _spread(row, start, 3600, nbins).items():
            when = utc(start + index * 3600)
            key = (when.date().isoformat(), when.hour)
            found[key] = found.get(key, 0.0) + events
    return found


def _hour_cells(values: list, top: float, color: str) -> str:
    cells = []
    for hour, value in enumerate(values):
        if value > 0:
            alpha = 0.2 + 0.8 * value / top
            ink = "#fff" if alpha > 0.6 else "#1c2833"
            cells.append(f'<td class="hot" style="background:{_rgba(color, alpha)};color:{ink}" '
                         f'title="{hour:02d}:00: {_e(_round(value))} {_events(value)}">{_e(_round(value))}</td>')
        else:
            cells.append(f'<td title="{hour:02d}:00: no events"></td>')
    return "".join(cells)


def _rgba(color: str, alpha: float) -> str:
    """'#c0392b', 0.5 -> 'rgba(192,57,43,0.50)'."""
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha:.2f})"


def _hours_section(incidents: list, patterns: list) -> str:
    hours_head = "".join(f"<th>{hour:02d}</th>" for hour in range(24))
    heading = ('<section id="hours"><h2>Hour of day (UTC)</h2><p class="muted">Events per hour: Blaster '
               "infections show as bursts about an hour apart for a few hours.</p>")
    if not incidents:
        return heading + '<p class="muted">No incident.</p></section>'
    hourly = _hourly(incidents)
    if not hourly:
        return heading + '<p class="muted">No incident with a known time.</p></section>'
    top = max(hourly.values()) or 1.0
    days = sorted({day for day, _ in hourly})
    rows = [f'<tr><th class="rowhead">{_e(day)}</th>'
            f'{_hour_cells([hourly.get((day, h), 0.0) for h in range(24)], top, "#34495e")}</tr>' for day in days]
    parts = [heading, f'<h3>All incidents, per day</h3><div class="scroll"><table class="heat" id="heat-days">'
             f'<thead><tr><th></th>{hours_head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>']
    places = []
    for pattern in patterns:
        key = place_key(pattern)
        rows_here = [row for row in incidents if place_key(row) == key]
        per_hour = [0.0] * 24
        for (_, hour), value in _hourly(rows_here).items():
            per_hour[hour] += value
        top_here = max(per_hour) or 1.0
        subject = pattern.get("src_ip", "") if pattern["label"] == "scan" else place_text(pattern)
        places.append(f'<tr data-label="{_e(pattern["label"])}"><th class="rowhead">{_badge(pattern["label"])} '
                      f'{_e(subject)}<div class="muted">{_e(pattern.get("pattern", ""))}</div></th>'
                      f'{_hour_cells(per_hour, top_here, _color(pattern["label"]))}</tr>')
    if places:
        parts.append('<h3>Per place (all days): its bursts</h3>'
                     '<div class="scroll"><table class="heat" id="heat-places">'
                     f'<thead><tr><th></th>{hours_head}</tr></thead><tbody>{"".join(places)}</tbody></table></div>')
    return "".join(parts) + "</section>"


# --- traces and next steps --------------------------------------------------------------------

def _trace_section(incidents: list) -> str:
    heading = '<section id="traces"><h2>Where the sources plug in</h2>'
    if not any(row.get("trace") for row in incidents):
        return heading + ('<p class="muted">Not traced: run <code>acltrace triage ... --devices FILE ...</code> '
                          "with the switches' MAC, ARP and CDP/LLDP tables to trace the source MACs to "
                          "switch ports.</p></section>")
    cards = []
    for place_rows in by_place(incidents):
        first = place_rows[0]
        trace = first.get("trace") or {}
        subject = first.get("src_ip", "") if first["label"] == "scan" else place_text(first)
        body = '<p class="muted">No source MAC logged here: nothing to trace.</p>'
        if trace:
            hops = [hop.strip() for hop in str(trace.get("path") or "").split("->") if hop.strip()]
            chips = '<span class="arrow">&rarr;</span>'.join(f'<span class="hop">{_e(hop)}</span>' for hop in hops)
            body = (f'<p><span class="verdict v-{_e(trace.get("verdict", ""))}">{_e(trace.get("verdict", ""))}</span> '
                    f'{_e(trace.get("reason", ""))}</p>' + (f'<div class="hops">{chips}</div>' if chips else ""))
        cards.append(f'<div class="trace" data-label="{_e(first["label"])}"><h3>{_badge(first["label"])} {_e(subject)} '
                     f'<span class="muted">{plural(len(place_rows), "incident")}, '
                     f'{plural(sum(row.get("events", 0) for row in place_rows), "event")}</span></h3>{body}</div>')
    return heading + "".join(cards) + "</section>"


def _next_steps_section(incidents: list) -> str:
    steps = []
    for place_rows in by_place(incidents):
        first = place_rows[0]
        subject = first.get("src_ip", "") if first["label"] == "scan" else place_text(first)
        steps.append(f"<li><strong>{_e(TITLES.get(first['label'], first['label']))}, {_e(subject)}</strong>: "
                     f"{_e(first.get('next_steps', ''))}</li>")
    body = f"<ol>{''.join(steps)}</ol>" if steps else "<p>Nothing: no incident was found.</p>"
    return f'<section id="next"><h2>What to do next</h2>{body}</section>'


# --- page -----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
{body}
<script>{script}</script>
</body>
</html>
"""

STYLE = """
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       margin: 0 auto; padding: 16px 24px 40px; max-width: 1600px; color: #1c2833; background: #f7f9fa; }
h1 { margin: 0 0 2px; font-size: 24px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d5dbdb; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: #5d6d7e; font-size: 12px; }
.warn { color: #a04000; }
.sources { margin: 0 0 10px; color: #5d6d7e; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: #fff; border: 1px solid #d5dbdb; border-top: 4px solid #34495e; border-radius: 4px;
        padding: 8px 14px; min-width: 120px; }
.card .value { font-size: 24px; font-weight: 600; }
.card .what { color: #5d6d7e; font-size: 12px; }
.badge { display: inline-block; color: #fff; border-radius: 3px; padding: 0 6px; font-size: 12px; white-space: nowrap; }
.verdict { display: inline-block; border-radius: 3px; padding: 0 5px; font-size: 12px; background: #d5dbdb; }
.v-edge_port { background: #d4efdf; color: #145a32; }
.v-router_hop { background: #fdebd0; color: #784212; }
.search { display: flex; align-items: center; gap: 8px; margin-bottom: 8px; }
.search input { flex: 0 1 420px; padding: 5px 8px; font: inherit; border: 1px solid #aab7b8; border-radius: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; }
#incident-table { width: 100%; }
#incident-table th, #incident-table td { border: 1px solid #e5e8e8; padding: 4px 6px; vertical-align: top;
                                         text-align: left; }
#incident-table th { background: #eaeded; position: sticky; top: 0; }
#incident-table tbody.incident { border-top: 2px solid #aab7b8; }
#incident-table tr.detail td { font-size: 12px; background: #fbfcfc; color: #2c3e50; border-top: none; }
#incident-table .next { margin: 3px 0 0; }
#incident-table .path { max-width: 300px; }
.hidden { display: none; }
.chart { width: 100%; max-width: 1100px; height: auto; background: #fff; border: 1px solid #d5dbdb; }
.chart .axis { stroke: #5d6d7e; }
.chart .grid { stroke: #d5dbdb; }
.chart .tick { font-size: 11px; fill: #5d6d7e; }
.legend { margin: 4px 0; }
.key { margin-right: 14px; font-size: 12px; }
.key i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; }
.heat th, .heat td { border: 1px solid #eaeded; width: 26px; height: 22px; text-align: center; font-size: 11px;
                     padding: 0; }
.heat td.hot { font-weight: 600; }
.heat .rowhead { text-align: left; width: auto; padding: 2px 8px; font-weight: normal; white-space: nowrap; }
.trace { background: #fff; border: 1px solid #d5dbdb; border-radius: 4px; padding: 4px 12px 8px; margin: 8px 0; }
.trace p { margin: 4px 0; }
.hops { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
.hop { background: #ebf5fb; border: 1px solid #aed6f1; border-radius: 3px; padding: 1px 6px; font-size: 12px; }
.arrow { color: #5d6d7e; }
ol li { margin: 4px 0; }
footer { margin-top: 30px; color: #5d6d7e; font-size: 12px; }
"""

# Filters the incidents table: a row stays when its text holds every word of the search
# (case-insensitive). The search is kept in the address (#q=...), and one there applies on load.
SCRIPT = """
(function () {
  "use strict";
  var input = document.getElementById("q");
  var rows = Array.prototype.slice.call(document.querySelectorAll("#incident-table tbody.incident"));
  var shown = document.getElementById("shown");
  function apply() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(function (w) { return w.length > 0; });
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.classList.toggle("hidden", !keep);
      if (keep) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " incidents";
  }
  function fromHash() {
    var match = /^#q=(.*)$/.exec(window.location.hash);
    if (!match) { return; }
    try { input.value = decodeURIComponent(match[1].replace(/\\+/g, " ")); } catch (e) { input.value = match[1]; }
  }
  input.addEventListener("input", function () {
    apply();
    try {
      window.history.replaceState(null, "", input.value ? "#q=" + encodeURIComponent(input.value) : "#");
    } catch (e) { /* an address that cannot change (some file: views): the search still works */ }
  });
  window.addEventListener("hashchange", function () { fromHash(); apply(); });
  fromHash();
  apply();
}());
"""
