"""How an app declares its data files for the whole-account export and import.

Each app's ``data_files.py`` describes its tables with ``formats.DataFile`` and ``Column``s,
reads and writes cells with ``cells`` and states its import rules with ``checks``. These are
plain declarations, low in the layers so that every app may use them; the export and import
machinery that reads them is ``crampcare.portability``.
"""
