"""The shared core: what a night is and the statistics over nights.

Pure Python (no Django, no other crampcare package), so every feature app may import it and it
imports none of them. ``import-linter`` keeps it so (see docs/architecture.md).
"""
