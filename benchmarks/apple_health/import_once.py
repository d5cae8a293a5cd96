"""Import one Apple Health export for the benchmark's person and print what it took (JSON).

    CRAMPCARE_DATA_DIR=... .venv/bin/python benchmarks/apple_health/import_once.py export.xml

The database in CRAMPCARE_DATA_DIR must be migrated. The person (bench@example.org, in
Europe/London) is made on the first run; later runs import the same days again (updates).
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crampcare.settings")
# The bare export.xml is larger than the default upload limit (meant for the zip).
os.environ.setdefault("CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES", str(1 << 30))

import django

django.setup()

from crampcare.accounts.models import User  # noqa: E402
from crampcare.portability.apple_health import import_apple_health  # noqa: E402

person = User.objects.filter(email="bench@example.org").first() or User.objects.create_user(
    "bench@example.org", None, time_zone="Europe/London"
)
start = time.perf_counter()
with open(sys.argv[1], "rb") as upload:
    report = import_apple_health(person, upload)
elapsed = time.perf_counter() - start
if not report.saved:
    raise SystemExit(report.message)
print(
    json.dumps(
        {
            "inside": elapsed,
            "records": report.records,
            "days": report.created + report.updated,
        }
    )
)
