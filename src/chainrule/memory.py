"""Memory estimates stated before a large allocation, and refused when the machine does not have it.

``require(nbytes, what)`` compares an estimate with the memory this machine has available and raises a
``ChainruleError`` naming both when the estimate is larger, before anything is allocated: a NumPy
``MemoryError`` (or the kernel's OOM killer, when memory is overcommitted) would come later and say
less. What "available" is:

- Linux: ``MemAvailable`` of /proc/meminfo (free memory plus what the page cache would give back);
- elsewhere: ``os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")`` where the platform has
  it (free physical pages);
- where neither exists (Windows): ``FALLBACK_BYTES`` (8 GiB), a fixed limit stated in the message.

Estimates below ``SMALL_BYTES`` are never checked (reading /proc costs more than they do).
"""

from __future__ import annotations

import os

from chainrule.errors import ChainruleError

FALLBACK_BYTES = 8 << 30  # the limit where the platform says nothing about its memory
SMALL_BYTES = 64 << 20  # estimates below this are not checked
FLOAT64 = 8  # bytes per value


def available_bytes() -> tuple[int, str]:
    """(bytes available now, where the figure comes from)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024, "MemAvailable in /proc/meminfo"
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"), "free physical pages (sysconf)"
    except (AttributeError, ValueError, OSError):
        return FALLBACK_BYTES, "a fixed limit: this platform does not report its free memory"


def size_text(nbytes: float) -> str:
    """1536 → "1.5 KiB", 8e10 → "74.5 GiB"."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(nbytes) < 1024 or unit == "TiB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    raise AssertionError("unreachable")


def require(nbytes: int, what: str) -> None:
    """Refuse, with the estimate and what is available, an allocation of about ``nbytes`` for ``what``.

    ``what`` completes "… needs about N GiB": e.g. "Network([100000, 100000, 1]): its parameters
    (10,000,200,001 float64 values)".
    """
    if nbytes < SMALL_BYTES:
        return
    available, source = available_bytes()
    if nbytes > available:
        raise ChainruleError(
            f"{what} needs about {size_text(nbytes)} of memory; this machine has {size_text(available)} available "
            f"({source}); nothing was allocated"
        )
