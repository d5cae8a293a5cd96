"""Importing Apple Health's export (docs/apple-health.md)."""

from crampcare.portability.apple_health.service import Report, import_apple_health

__all__ = ["Report", "import_apple_health"]
