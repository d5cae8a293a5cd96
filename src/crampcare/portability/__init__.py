"""Portability: a person's whole account out and back in (export, import, the data page) and the
demo account. It serves every app: each app declares its own files (``<app>/data_files.py``) and
``layout`` collects them in the order they are written and imported."""
