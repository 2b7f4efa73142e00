"""Machine description printed by the affinity benchmarks."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import numpy as np
import scipy


def machine() -> str:
    cpu, ram = "unknown", "unknown"
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
        cpu = next(x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name"))
        meminfo = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()
        mem_kb = next(int(x.split()[1]) for x in meminfo if x.startswith("MemTotal"))
        ram = f"{mem_kb / 1024**2:.1f} GiB"
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, {ram} RAM, load average {load} "
        f"(other jobs share the CPU when load > cores); python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}"
    )
