"""Load test of the public dossier lookup over HTTP with ``wrk``, over 1,000,000 dossiers.

Run: ``make bench`` or ``.venv/bin/python bench/bench_lookup.py [count]`` (default 1,000,000).
Target (issue 5): ``GET /api/v1/lookup`` at ≥ 1,000 requests/s on this machine with
p99 ≤ 50 ms.

1. Creates the database ``motcua_bench_lookup`` (kept and reused with ``BENCH_KEEP=1``; a
   reused one is migrated first), loads the current units, the demo province and the national
   catalog, and generates ``count`` dossiers (``bench/generate_dossiers.py``, about 100 s for a
   million);
2. draws ``BENCH_SAMPLE`` (10,000) random dossiers and gives each the history its status
   implies (submitted, received, assigned, forwarded, …: 1 to 8 events, written like the
   service writes them), since the generator writes none and the lookup shows the timeline;
   exports their (code, last four digits of the phone or the ID number) pairs to a file, one
   pair in ten with wrong digits, as people mistype;
3. starts a private Redis (the shared cache where the per-address rate limit is counted, as
   in production) and gunicorn with ``BENCH_WORKERS`` (2 × CPUs + 1) sync workers on
   127.0.0.1, ``DEBUG`` off, with **``MOTCUA_LOOKUP_PER_MINUTE`` raised to 1,000,000,000**:
   every request comes from 127.0.0.1, and the real limit (20 a minute) would answer 429 to
   nearly all of them. The limit is still counted in Redis on every request, so its cost is
   measured; only its threshold is out of reach;
4. runs ``wrk`` (Debian package; ``make bench`` installs it) with ``bench/lookup.lua``:
   ``BENCH_CONNECTIONS`` (32) connections on ``BENCH_THREADS`` (2) threads for
   ``BENCH_SECONDS`` (30) seconds after a 5-second warm-up, each request a random pair; then
   the same against the portal's page (``POST /tra-cuu/``, rendered HTML);
5. prints requests/s and p50 / p95 / p99 / max, and the answers by status — any 429, 5xx or
   socket error fails the run.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live  # noqa: E402

DB_NAME = "motcua_bench_lookup"
SCRIPT = Path(__file__).resolve().parent / "lookup.lua"
HOUR = dt.timedelta(hours=6)


def prepare(count: int, keep: bool) -> dict:
    """The benchmark database with ``count`` dossiers; returns its settings."""
    from django.core.management import call_command
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    if keep and live.has_rows(connection.settings_dict, DB_NAME, "dossiers_dossier", count):
        connection.close()
        connection.settings_dict["NAME"] = DB_NAME
        call_command("migrate", verbosity=0)  # code newer than the kept database
        print(f"reusing {DB_NAME}")
        return dict(connection.settings_dict)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    from generate_dossiers import generate

    from motcua.catalog.importer import import_file
    from motcua.core import demo
    from motcua.organizations.services import import_administrative_units

    import_administrative_units(include_legacy=False)
    demo.seed()
    import_file(live.CATALOG, progress=None)
    print(f"generated {count:,} dossiers in {generate(count):.1f} s")
    return dict(connection.settings_dict)


def history(dossier: Any) -> list[tuple[str, int | None, int, str, dict]]:
    """(action, from status, to status, actor role, data) of a plausible history for the
    dossier's status, in order."""
    from motcua.accounts.roles import Role

    due = {"due_at": dossier.due_at.isoformat()} if dossier.due_at else {}
    desk, handler = Role.RECEPTION_OFFICER.value, Role.SPECIALIST.value
    leader = Role.AGENCY_LEADER.value
    submit = ("submit", None, 1, "" if dossier.channel == "online" else desk,
              {"channel": dossier.channel})  # fmt: skip
    received = [submit, ("receive", 1, 2, desk, due)]
    working = [*received, ("assign", 2, 4, handler, {}),
               ("forward", 4, 4, handler, {"step_name": "Thẩm định hồ sơ"})]  # fmt: skip
    finished = [*working, ("submit_draft", 4, 4, handler, {}), ("approve", 4, 4, leader, {}),
                ("issue_result", 4, 9, leader, {})]  # fmt: skip
    return {
        1: [submit],
        2: received,
        3: [submit, ("refuse", 1, 3, desk, {})],
        4: working,
        5: [*working, ("request_supplement", 4, 5, handler, {})],
        6: [*working, ("require_payment", 4, 6, handler, {"amount_vnd": 50000})],
        7: [*received, ("request_withdrawal", 2, 7, "applicant", {})],
        8: [*working, ("stop", 4, 8, leader, {})],
        9: finished,
        10: [*finished, ("return_result", 9, 10, desk, {})],
    }[dossier.status]


def sample(size: int, path: Path, seed: int = 2026) -> int:
    """Give ``size`` random dossiers a history and write their lookup pairs to ``path``."""
    from django.db import connection, transaction

    from motcua.dossiers.models import Dossier, DossierEvent

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed / 10_000])
        cursor.execute(
            "SELECT id FROM dossiers_dossier TABLESAMPLE SYSTEM (5) REPEATABLE (%s) "
            "ORDER BY random() LIMIT %s",
            [seed, size],
        )
        ids = [row[0] for row in cursor.fetchall()]
    dossiers = list(Dossier.objects.filter(pk__in=ids).order_by("pk"))
    have_events = set(
        DossierEvent.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True)
    )
    events = []
    for dossier in dossiers:
        if dossier.pk in have_events:
            continue
        at = dossier.submitted_at
        for seq, (action, before, after, role, data) in enumerate(history(dossier), start=1):
            agency = dossier.receiving_agency_id if role in ("", "reception") else None
            events.append(
                DossierEvent(dossier=dossier, seq=seq, action=action, from_status=before,
                             to_status=after, actor_role=role, actor_name="",
                             agency_id=agency or dossier.competent_agency_id, at=at, data=data)
            )  # fmt: skip
            at += HOUR
    with transaction.atomic():
        DossierEvent.objects.bulk_create(events, batch_size=5000)
    rng = random.Random(seed)
    lines = []
    for dossier in dossiers:
        digits = re.sub(r"\D", "", rng.choice([dossier.applicant_phone or "",
                                               dossier.applicant_id_number]))  # fmt: skip
        secret = digits[-4:] if len(digits) >= 4 else "0000"
        if rng.random() < 0.1:  # a mistyped secret: the lookup answers 404
            secret = f"{(int(secret) + 1 + rng.randrange(9998)) % 10000:04d}"
        lines.append(f"{dossier.code} {secret}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(events)


def run_wrk(base: str, pairs: Path, seconds: int, *extra: str) -> dict[str, float]:
    """One wrk run; its RESULT line as numbers."""
    connections = os.environ.get("BENCH_CONNECTIONS", "32")
    threads = os.environ.get("BENCH_THREADS", "2")
    command = ["wrk", "-t", threads, "-c", connections, "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(SCRIPT), base, "--", str(pairs), *extra]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    output = done.stdout
    if done.returncode:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{output}\n{done.stderr}")
    line = next((ln for ln in output.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    return {key: float(value) for key, value in re.findall(r"(\S+)=(\S+)", line)}


def page_token(base: str) -> tuple[str, str]:
    """A CSRF cookie and form token of the lookup page, as a browser would hold them."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/tra-cuu/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None or "csrftoken" not in session.cookies:
        raise SystemExit("the lookup page has no CSRF token")
    return session.cookies["csrftoken"], token.group(1)


def report(label: str, result: dict[str, float]) -> None:
    rate = result["requests"] / result["seconds"]
    print(
        f"{label}: {result['requests']:,.0f} requests in {result['seconds']:.1f} s = "
        f"{rate:,.0f} requests/s; p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
        f"p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms; answers 200: "
        f"{result['200']:,.0f}, 404: {result['404']:,.0f}, 429: {result['429']:,.0f}, other: "
        f"{result['other']:,.0f}, socket errors: {result['errors']:,.0f}"
    )
    if result["429"] or result["other"] or result["errors"]:
        raise SystemExit(f"{label}: rate-limited, failed or broken answers (see above)")
    if not result["200"]:
        raise SystemExit(f"{label}: no dossier was found")


def main() -> None:
    live.setup_django()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    keep = os.environ.get("BENCH_KEEP") == "1"
    size = int(os.environ.get("BENCH_SAMPLE", 10_000))
    seconds = int(os.environ.get("BENCH_SECONDS", 30))
    workers = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run `make bench` (it installs Debian's wrk).")
    from django.db import connection

    settings_dict = prepare(count, keep)
    workdir = Path(tempfile.mkdtemp(prefix="motcua-bench-lookup-"))
    pairs = workdir / "pairs.txt"
    try:
        written = sample(size, pairs)
        print(f"{size:,} dossiers sampled for the lookup ({written:,} history events written)")
        from motcua.dossiers.models import Dossier

        total = Dossier.objects.count()
        connection.close()
        print(f"machine: {live.machine()}")
        print(
            f"{total:,} dossiers, gunicorn {workers} workers, wrk "
            f"{os.environ.get('BENCH_CONNECTIONS', '32')} connections, {seconds} s, "
            "MOTCUA_LOOKUP_PER_MINUTE=1000000000 for this run"
        )
        with (
            live.redis_server() as redis,
            live.gunicorn(
                live.database_url(settings_dict),
                redis,
                workers=workers,
                extra_env={"MOTCUA_LOOKUP_PER_MINUTE": "1000000000"},
            ) as base,
        ):
            run_wrk(base, pairs, 5)  # warm-up: connections, caches, compiled templates
            api = run_wrk(base, pairs, seconds)
            report("GET /api/v1/lookup", api)
            cookie, token = page_token(base)
            run_wrk(base, pairs, 5, "page", cookie, token)
            report("POST /tra-cuu/ (page)", run_wrk(base, pairs, seconds, "page", cookie, token))
        rate = api["requests"] / api["seconds"]
        verdict = "met" if rate >= 1000 and api["p99"] <= 50 else "MISSED"
        print(
            f"target ≥ 1,000 requests/s with p99 ≤ 50 ms: {rate:,.0f} requests/s, "
            f"p99 {api['p99']:.1f} ms — {verdict}; load average after the run: "
            + " ".join(f"{x:.1f}" for x in os.getloadavg())
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not keep:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
