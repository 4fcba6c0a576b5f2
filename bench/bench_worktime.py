"""Benchmark of the working-time engine: 100,000 due moments, mixed units, random starts.

Run: ``.venv/bin/python bench/bench_worktime.py [count] [seed]``. No database needed: it uses
the default Vietnamese calendar (public holidays from the ``holidays`` package). Target: ≤ 2 s
for 100,000 due moments on one core.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from motcua.core import worktime  # noqa: E402

# (unit, amounts) in roughly the proportions of a real catalog: mostly working days.
MIX: list[tuple[str, list[int | Decimal]]] = [
    ("working_days", [1, 2, 3, 5, 7, 10, 15, 20, 30, 45, 60, Decimal("0.5"), Decimal("2.5")]),
    ("working_days", [3, 5, 10, 15]),
    ("working_hours", [2, 4, 8, 16, Decimal("1.5")]),
    ("days", [7, 15, 30, 45, 60, 90]),
    ("months", [1, 2, 3, 6, 12]),
    ("hours", [8, 24, 48, 72]),
]
CUTOFFS = [None, None, None, dt.time(16, 0), dt.time(15, 30)]


def make_cases(count: int, seed: int) -> list[tuple[dt.datetime, object, str, dt.time | None]]:
    rng = random.Random(seed)
    first = dt.datetime(2025, 1, 1, tzinfo=worktime.VN_TZ)
    span = int((dt.datetime(2028, 1, 1, tzinfo=worktime.VN_TZ) - first).total_seconds())
    cases = []
    for _ in range(count):
        unit, amounts = rng.choice(MIX)
        start = first + dt.timedelta(seconds=rng.randrange(span))
        cases.append((start, rng.choice(amounts), unit, rng.choice(CUTOFFS)))
    return cases


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    cases = make_cases(count, seed)

    began = time.perf_counter()
    calendar = worktime.default_calendar()  # first call builds the holiday sets (cached after)
    built = time.perf_counter() - began

    add = worktime.add
    began = time.perf_counter()
    latest = None
    for start, amount, unit, cutoff in cases:
        due = add(start, amount, unit, calendar, cutoff)
        if latest is None or due > latest:
            latest = due
    elapsed = time.perf_counter() - began

    print(f"holidays + calendar: {built * 1000:.1f} ms (once per process)")
    print(
        f"{count:,} due moments (mixed units, starts 2025–2027): {elapsed:.3f} s "
        f"({elapsed / count * 1e6:.1f} µs each); latest due {latest.isoformat()}"
    )
    print("target ≤ 2 s for 100,000:", "met" if elapsed * 100_000 / count <= 2 else "MISSED")


if __name__ == "__main__":
    main()
