"""Labelling ACL events (Blaster backscatter, backscatter, spoofed sources, scans) and grouping them
into incidents (docs/DESIGN.md section 4)."""
