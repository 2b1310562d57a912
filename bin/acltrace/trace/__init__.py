"""Tracing a MAC to the switch port it plugs into, or to the router hop it came through
(docs/DESIGN.md section 5)."""
