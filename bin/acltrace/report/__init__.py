"""The triage report for a person: text, JSON, CSV and one self-contained HTML page."""
