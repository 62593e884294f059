"""What produced a run's numbers, recorded beside them: Python, the libraries, the plugins and
their versions, the CPU and the BLAS kernels it chose (they can move a number's last bits).

augbench's own dependencies are always recorded; an augmenter, classifier or metric names the
further libraries its numbers depend on (``libraries`` in `augbench.declare` or
`augbench.Metric`), so a run records those of the arms it ran, and only those.
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import Iterable, Mapping

# What every run's numbers go through: the core's own numerical dependencies. Libraries that
# only some arms use (torch, sdv, opacus, ...) are named by those arms.
CORE_LIBRARIES = ("numpy", "pandas", "scikit-learn", "imbalanced-learn", "scipy", "pluggy")


def library_versions(libraries: Iterable[str] = (),
                     plugin_versions: Mapping[str, str] | None = None) -> dict[str, str]:
    """Versions of Python, augbench, its core libraries and the further ``libraries`` named (those
    not installed are left out), the plugins in use, and the machine's CPU and BLAS."""
    versions = {"python": platform.python_version()}
    for name in dict.fromkeys(("augbench", *CORE_LIBRARIES, *sorted(libraries))):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {**versions, **machine(),
            **{f"plugin {k}": v for k, v in (plugin_versions or {}).items()}}


def machine() -> dict[str, str]:
    """The CPU's model and each BLAS library loaded, with the kernel it chose for this CPU
    (threadpoolctl's report: "openblas 0.3.30 SkylakeX")."""
    from threadpoolctl import threadpool_info

    blas = sorted({" ".join(str(info[k]) for k in ("internal_api", "version", "architecture")
                            if info.get(k)) for info in threadpool_info()
                   if info.get("user_api") == "blas"})
    found = {"cpu": _cpu_model()}
    if blas:
        found["blas"] = "; ".join(blas)
    return found


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
