"""The yardstick: a bare lxml iterparse over export.xml, counting and clearing every element."""

from __future__ import annotations

import json
import sys
import time

from lxml import etree

start = time.perf_counter()
count = 0
for _event, element in etree.iterparse(sys.argv[1], events=("end",)):
    element.clear()
    count += 1
print(json.dumps({"inside": time.perf_counter() - start, "elements": count}))
