"""Test helpers shared by every app: builders and the browser (Playwright + axe) fixtures."""
