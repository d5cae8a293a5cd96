"""Diary pages: thin views that parse input, call ``diary.services`` and render."""
