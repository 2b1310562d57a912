"""Device tables for the MAC trace: the row model and its normalisers, interface names, terminal
captures, show-output parsing with TextFSM, and table files (docs/DESIGN.md section 5)."""
