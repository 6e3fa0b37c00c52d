"""What the benchmark scripts share: a description of the machine, and settling a database
after a bulk load. Imported by the scripts in this folder (run as `python bench/NAME.py`)."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path
from typing import Any


def machine() -> str:
    """CPUs, memory and platform, for the results files."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB RAM" if found else ""
    return f"{os.cpu_count()} CPUs ({cpu}){memory}; {platform.platform()}"


def settle(connection: Any) -> None:
    """Settle the database after a bulk load, as autovacuum and time would.

    Fresh planner statistics, and the load's dirty pages written out: otherwise a checkpoint
    flushing gigabytes lands in the middle of the measurements.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
