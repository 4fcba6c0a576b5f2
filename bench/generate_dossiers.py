"""Generate realistic dossiers fast, for benchmarks: ``bench/generate_dossiers.py COUNT``.

Streams rows with PostgreSQL COPY into the configured database (run it against a database
made for the purpose: the benchmark creates ``motcua_bench_dossiers``). Real procedures of the
imported catalog and the demo province's agencies; channels, statuses and dates distributed
like DOMAIN §15 (about 40 % online, most dossiers finished, some overdue); Vietnamese names.
The per-agency daily code counters are moved past the generated codes, so dossiers received
afterwards never reuse a code.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import defaultdict
from typing import Any

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ",
      "Ngô", "Hồ", "Dương", "Lý"]  # fmt: skip
DEM = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu", "Quốc", "Thanh", "Hữu", "Gia", "Bảo", "Khánh"]
TEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Khang",
       "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
       "Trang", "Tuấn", "Việt", "Yến"]  # fmt: skip
# (status, weight): most dossiers are finished; the rest spread over the open statuses.
STATUSES = [(10, 62), (9, 6), (3, 2), (8, 1), (7, 1), (4, 14), (2, 5), (1, 4), (5, 4), (6, 1)]
CHANNELS = [("online", 40), ("direct", 55), ("postal", 5)]
COLUMNS = (
    "code subcase_code channel status revision applicant_type applicant_name applicant_id_type "
    "applicant_id_number applicant_phone applicant_email applicant_address applicant_search "
    "representative_name representative_id_number representative_phone summary current_step "
    "current_step_name current_role submitted_at received_at due_at resolved_at returned_at "
    "refused_at stopped_at deadline_value deadline_unit result_state supplement_count "
    "apology_reason result_delivery delivery_address created_at updated_at competent_agency_id "
    "procedure_id procedure_version_id receiving_agency_id"
).split()


def _weighted(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def generate(count: int, *, seed: int = 2026, now: dt.datetime | None = None) -> float:
    """Insert ``count`` dossiers; returns the seconds it took."""
    from django.db import connection
    from django.utils import timezone

    from motcua.catalog.models import ProcedureVersion
    from motcua.core.text import fold
    from motcua.organizations.models import Agency, AgencyKind

    started = time.perf_counter()
    rng = random.Random(seed)
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    # Everything the rows need is loaded first: a query on the connection during COPY hangs.
    centres = list(
        Agency.objects.filter(
            kind__in=[AgencyKind.COMMUNE_CENTRE, AgencyKind.PROVINCIAL_CENTRE]
        ).select_related("parent")
    )
    if not centres:
        raise SystemExit("Chưa có cơ quan: chạy import_admin_units và seed_demo trước.")
    committee = Agency.objects.filter(kind=AgencyKind.PROVINCIAL_COMMITTEE).first()
    departments = list(Agency.objects.filter(kind=AgencyKind.DEPARTMENT))
    versions = list(
        ProcedureVersion.objects.filter(number=1)
        .values_list("id", "procedure_id", "procedure__name", "procedure__levels")
        .order_by("id")
    )
    if not versions:
        raise SystemExit("Chưa có thủ tục: chạy import_procedures trước.")
    commune_versions = [v for v in versions if "commune" in v[3]] or versions
    province_versions = [v for v in versions if "province" in v[3]] or versions
    counters: dict[tuple[int, dt.date], int] = defaultdict(int)
    span = 730 * 86400
    rows = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        columns = ", ".join(f'"{c}"' for c in COLUMNS)  # current_role is a reserved word
        with raw.copy(f"COPY dossiers_dossier ({columns}) FROM STDIN") as copy:
            for _ in range(count):
                centre = rng.choice(centres)
                provincial = centre.kind == AgencyKind.PROVINCIAL_CENTRE
                competent = (
                    (rng.choice(departments) if departments else committee)
                    if provincial
                    else centre.parent
                )
                version = rng.choice(province_versions if provincial else commune_versions)
                submitted = now - dt.timedelta(seconds=rng.randrange(span))
                local_day = submitted.astimezone(tz).date()
                counters[(centre.pk, local_day)] += 1
                code = f"{centre.code}-{local_day:%y%m%d}-{counters[(centre.pk, local_day)]:04d}"
                status = _weighted(rng, STATUSES)
                received = (
                    None
                    if status in (1,)
                    else submitted + dt.timedelta(minutes=rng.randrange(5, 600))
                )
                days = rng.choice([1, 3, 5, 7, 10, 15, 20, 30])
                due = received + dt.timedelta(days=days * 1.4) if received else None
                finished = status in (9, 10)
                resolved = (
                    received + dt.timedelta(days=days * rng.uniform(0.3, 1.3)) if finished else None
                )
                name = f"{rng.choice(HO)} {rng.choice(DEM)} {rng.choice(TEN)}"
                id_number = (
                    f"0{rng.randrange(1, 96):02d}{rng.randrange(0, 4)}"
                    f"{rng.randrange(50, 100):02d}{rng.randrange(10**6):06d}"
                )
                copy.write_row((
                    code, "", _weighted(rng, CHANNELS), status, 1, 0, name, "cccd", id_number,
                    f"09{rng.randrange(10**8):08d}", "", "Thôn, tổ dân phố", fold(name), "", "",
                    "", version[2][:500], 1 if status == 4 else None,
                    "Thẩm định" if status == 4 else "", "specialist" if status == 4 else "",
                    submitted, received, due, resolved,
                    resolved + dt.timedelta(days=1) if status == 10 else None,
                    submitted + dt.timedelta(hours=2) if status == 3 else None,
                    received + dt.timedelta(days=2) if status == 8 and received else None,
                    days, "working_days", "", 1 if status == 5 else 0, "", "desk", "",
                    submitted, submitted, competent.pk, version[1], version[0], centre.pk,
                ))  # fmt: skip
                rows += 1
        cursor.execute(
            """
            INSERT INTO dossiers_dossiercodecounter (agency_id, day, last)
            SELECT * FROM unnest(%s::bigint[], %s::date[], %s::int[])
            ON CONFLICT (agency_id, day)
            DO UPDATE SET last = GREATEST(dossiers_dossiercodecounter.last, EXCLUDED.last)
            """,
            [
                [k[0] for k in counters],
                [k[1] for k in counters],
                list(counters.values()),
            ],
        )
        if connection.in_atomic_block:  # inside a test's transaction: statistics only
            cursor.execute("ANALYZE dossiers_dossier")
        else:
            # What autovacuum does soon after a bulk load: statistics, and the visibility map
            # that lets the work queues count and page on their indexes alone.
            cursor.execute("VACUUM (ANALYZE) dossiers_dossier")
    return time.perf_counter() - started


if __name__ == "__main__":
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(f"{total} dossiers in {generate(total):.1f} s")
