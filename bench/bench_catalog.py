"""Benchmark of the catalog: import of the whole national file, search and detail latency.

Run: ``make bench`` or ``.venv/bin/python bench/bench_catalog.py [path/to/procedures.jsonl]``.
It creates a throw-away database ``motcua_bench`` next to the configured one (migrated from
scratch), imports the file into it, then sends requests through Django's full request stack
(middleware, view, ORM, PostgreSQL, JSON or HTML rendering; no network socket) and prints
p50 / p95 / p99. The database is dropped at the end.

Targets (issue 3): import of 2,642 procedures ≤ 15 s; search p95 ≤ 20 ms over the full
catalog; procedure detail API p95 ≤ 15 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from motcua.catalog.importer import import_file  # noqa: E402
from motcua.catalog.models import Procedure  # noqa: E402

DEFAULT_FILE = ROOT.parent / "shared" / "data" / "tthc" / "procedures.jsonl"
# Queries a citizen types: with and without diacritics, typos, short and long, rare and common.
QUERIES = [
    "dang ky khai sinh",
    "khai sihn",
    "Đăng ký kết hôn",
    "cap ho chieu",
    "giấy phép lái xe",
    "giay phep xay dung",
    "dang ky thuong tru",
    "chung thuc ban sao",
    "thanh lap doanh nghiep",
    "bảo hiểm xã hội",
    "dat dai",
    "ly hon",
    "xac nhan tinh trang hon nhan",
    "cap lai",
    "hộ kinh doanh",
    "giay chung nhan quyen su dung dat",
]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return (
        f"n={len(ordered)} p50={cut[49]:.1f} ms p95={cut[94]:.1f} ms p99={cut[98]:.1f} ms "
        f"max={ordered[-1]:.1f} ms"
    )


def timed(client: Client, url: str, params: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    response = client.get(url, params or {})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params} answered {response.status_code}")
    return elapsed


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FILE
    rounds = int(os.environ.get("BENCH_ROUNDS", 20))
    # Its own database name, so a benchmark never collides with a test run's test_<name>.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "motcua_bench"
    creation = connection.creation
    test_name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        summary = import_file(path, progress=None)
        print(f"import: {summary.total} procedures from {path.name} in {summary.seconds:.2f} s")
        codes = list(Procedure.objects.values_list("code", flat=True))
        client = Client()
        for query in QUERIES:  # warm-up: connection, caches, first plans
            timed(client, "/api/v1/procedures", {"q": query})
        per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
        for _ in range(rounds):
            for q in QUERIES:
                per_query[q].append(timed(client, "/api/v1/procedures", {"q": q}))
        api_search = [t for times in per_query.values() for t in times]
        slowest = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
        page_search = [
            timed(client, "/thu-tuc/", {"q": q}) for _ in range(rounds // 4 or 1) for q in QUERIES
        ]
        rng = random.Random(7)
        sample = [rng.choice(codes) for _ in range(rounds * 25)]
        detail = [timed(client, f"/api/v1/procedures/{code}") for code in sample]
        print(f"search API  /api/v1/procedures?q=…   {percentiles(api_search)}")
        print(f"search page /thu-tuc/?q=…            {percentiles(page_search)}")
        print(f"detail API  /api/v1/procedures/{{code}} {percentiles(detail)}")
        for query, times in slowest:
            print(f"  slowest search {query!r}: median {statistics.median(times):.1f} ms")
        print(f"database: {test_name}, {len(codes)} procedures")
    finally:
        creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
