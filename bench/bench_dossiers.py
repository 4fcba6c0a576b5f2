"""Benchmark of the officer work queue and dossier search over many dossiers.

Run: ``make bench`` or ``.venv/bin/python bench/bench_dossiers.py [count]`` (default
1,000,000). It creates the throw-away database ``motcua_bench_dossiers``, loads the real
units, the demo province and the national catalog, generates ``count`` dossiers with
``bench/generate_dossiers.py``, then times through Django's full request stack (test client,
no socket) the pages and API calls an officer uses all day, and prints p50 / p95 / p99.
Target (issue 4): work queue and dossier search p95 ≤ 30 ms with 1,000,000 dossiers.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from generate_dossiers import generate  # noqa: E402

CATALOG = ROOT.parent / "shared" / "data" / "tthc" / "procedures.jsonl"


def percentiles(samples: list[float]) -> str:
    cut = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return f"n={len(samples)} p50={cut[49]:.1f} ms p95={cut[94]:.1f} ms p99={cut[98]:.1f} ms"


def officer_client(username: str) -> Client:
    from motcua.accounts.models import User

    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.filter(user=user).first().persistent_id
    session.save()
    return client


def measure(client: Client, url: str, params: dict[str, str], rounds: int) -> list[float]:
    client.get(url, params)  # warm-up
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params} answered {response.status_code}")
    return samples


def explain(client: Client, url: str, params: dict[str, str]) -> None:
    """BENCH_EXPLAIN=1: the plan of every query of one request touching the dossier table."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    for query in captured.captured_queries:
        if "dossiers_dossier" not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join("    " + row[0] for row in cursor.fetchall())
        print(f"  {query['sql'][:300]}\n{plan}")


def _has_dossiers(name: str, count: int) -> bool:
    import psycopg

    settings = connection.settings_dict
    try:
        with psycopg.connect(
            dbname=name,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"],
        ) as db:
            return db.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0] >= count
    except psycopg.Error:
        return False


def change_open_dossiers(count: int) -> int:
    """BENCH_CHURN: the worst case between two vacuums — ``count`` open dossiers of the whole
    province changed (their heap pages no longer all-visible), autovacuum held off."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE dossiers_dossier SET (autovacuum_enabled = false)")
        cursor.execute(
            """
            UPDATE dossiers_dossier SET revision = revision + 1, updated_at = now()
            WHERE id IN (SELECT id FROM dossiers_dossier
                         WHERE status NOT IN (3, 8, 10) AND withdrawn_at IS NULL
                         ORDER BY random() LIMIT %s)
            """,
            [count],
        )
        return cursor.rowcount


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rounds = int(os.environ.get("BENCH_ROUNDS", 30))
    keep = os.environ.get("BENCH_KEEP") == "1"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = "motcua_bench_dossiers"
    creation = connection.creation
    name = "motcua_bench_dossiers"
    if keep and _has_dossiers(name, count):
        # BENCH_KEEP=1: reuse the database of an earlier run as it is (no migrations), to
        # compare changes to the code quickly.
        connection.close()
        connection.settings_dict["NAME"] = name
    else:  # a new database (kept afterwards with BENCH_KEEP=1)
        name = creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from motcua.catalog.importer import import_file
        from motcua.core import demo
        from motcua.dossiers.models import Dossier

        if keep and Dossier.objects.count() >= count:
            print(f"reusing {name} with {Dossier.objects.count():,} dossiers")
        else:
            from motcua.organizations.services import import_administrative_units

            Dossier.objects.all().delete()
            import_administrative_units(include_legacy=False)
            demo.seed()
            import_file(CATALOG, progress=None)
            seconds = generate(count)
            print(f"generated {count:,} dossiers in {seconds:.1f} s")
        sample = Dossier.objects.filter(receiving_agency__code="H22.6688.1").order_by("-id").first()
        leader = officer_client("halong.lanhdao")
        api = "/api/v1/dossiers"
        page = "/can-bo/ho-so/"
        cases = {
            "API queue (open, by due date)": (api, {"queue": "open"}),
            "API queue overdue": (api, {"queue": "overdue"}),
            "API status 4": (api, {"status": "4"}),
            "API search by name": (api, {"q": "nguyen van an"}),
            "API search by code": (api, {"q": sample.code}),
            "API search by ID number": (api, {"q": sample.applicant_id_number}),
            # The back-office work list: the page, its eleven queue tabs with their counts.
            "page: queue Chờ phân công": (page, {"hang-doi": "cho-phan-cong"}),
            "page: queue Quá hạn": (page, {"hang-doi": "qua-han"}),
            "page: all, newest first": (page, {"hang-doi": "tat-ca"}),
            "page: search by name": (page, {"hang-doi": "dang-xu-ly", "q": "nguyen van an"}),
        }
        for label, (url, params) in cases.items():
            print(f"{label:32} {percentiles(measure(leader, url, params, rounds))}")
            if os.environ.get("BENCH_EXPLAIN") == "1":
                explain(leader, url, params)
        churn = int(os.environ.get("BENCH_CHURN", 5_000))
        if churn:
            touched = change_open_dossiers(churn)
            print(f"after {touched:,} open dossiers changed, before any vacuum:")
            for label in (
                "API queue (open, by due date)",
                "API queue overdue",
                "page: queue Quá hạn",
            ):
                url, params = cases[label]
                print(f"  {label:30} {percentiles(measure(leader, url, params, rounds))}")
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE dossiers_dossier RESET (autovacuum_enabled)")
                cursor.execute("VACUUM (ANALYZE) dossiers_dossier")
        print(f"database: {name}, dossiers in the officer's scope: "
              f"{Dossier.objects.filter(competent_agency__code='H22.6688').count():,}")  # fmt: skip
    finally:
        if not keep:
            creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
