"""Load test of online submission over HTTP: 8 citizens at once, each submitting birth
registration (1.001193) with two 200 KB attachments, again and again.

Run: ``make bench`` or ``.venv/bin/python bench/bench_submission.py``. Target (issue 5): the
final submit POST p95 ≤ 150 ms at 8 concurrent clients.

1. Creates the database ``motcua_bench_submission`` (kept with ``BENCH_KEEP=1``), loads the
   current units, the demo province, the national catalog, ``BENCH_BACKGROUND`` (100,000)
   generated dossiers so the tables and indexes are not empty, and ``BENCH_CITIZENS`` (32)
   citizen accounts with a password;
2. starts a private Redis (Celery broker and shared cache) and gunicorn with
   ``BENCH_WORKERS`` (2 × CPUs + 1) sync workers on 127.0.0.1, ``DEBUG`` off — the way
   ``docs/operations.md`` deploys it, without the reverse proxy; no Celery worker runs, so the
   OCR jobs the uploads queue wait in Redis, as they would for a busy worker pool;
3. runs ``BENCH_CLIENTS`` (8) client processes, each signed in through the login form (with
   ``requests``, like a browser without JavaScript: it reads every form and posts what a
   person would), one unmeasured flow each, then ``BENCH_FLOWS`` (25) measured flows: the
   start page, place, declaration, two uploads (a real JPEG and a real PDF of about 200 KB),
   delivery, review, **the submit POST**, and the receipt page — following each redirect as a
   browser does;
4. prints p50 / p95 / p99 / max of the submit POST, of every other step and of the whole flow,
   the throughput, and checks in the database that every flow made one dossier with two files.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import random
import re
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live  # noqa: E402

BIRTH = "1.001193"
DB_NAME = "motcua_bench_submission"
PASSWORD = "Bench-MotCua-2026"  # noqa: S105 — throw-away accounts of a throw-away database
USER_PREFIX = "bench.congdan"
KB = 1024


# --- the files ----------------------------------------------------------------------------------
def jpeg_bytes(target: int = 200 * KB, seed: int = 1) -> bytes:
    """A real JPEG photo-like image (noise compresses like a phone photo) of about ``target``."""
    from PIL import Image

    rng = random.Random(seed)
    side = 300
    while True:
        noise = bytes(rng.getrandbits(8) for _ in range(side * side * 3))
        image = Image.frombytes("RGB", (side, side), noise)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
        if buffer.tell() >= target * 0.95:
            return buffer.getvalue()
        side += 20


def pdf_bytes(target: int = 200 * KB) -> bytes:
    """A real one-page PDF: a scanned page (JPEG inside), as a scanner writes it."""
    from PIL import Image

    buffer = io.BytesIO()
    image = Image.open(io.BytesIO(jpeg_bytes(target, seed=2)))
    image.save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


# --- a browser without JavaScript ---------------------------------------------------------------
class Forms(HTMLParser):
    """The forms of a page: for each, its action, enctype and the values a browser would send
    (inputs, checked boxes and radios, selected options, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "enctype": a.get("enctype", ""), "fields": {},
                 "buttons": [], "radios": {}}
            )  # fmt: skip
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "submit":
                form["buttons"].append((name, a.get("value", "")))
            elif kind == "radio":
                form["radios"].setdefault(name, a.get("value", ""))
                if "checked" in a:
                    form["fields"][name] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    form["fields"][name] = a.get("value", "on")
            elif kind != "file":
                form["fields"][name] = a.get("value", "")
        elif tag == "button" and name:
            form["buttons"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form["fields"].setdefault(name, None)
        elif tag == "option" and self._select:
            fields = form["fields"]
            if fields[self._select] is None or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


class Flow:
    """One citizen's session; every request is timed under a step name."""

    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.timings: dict[str, float] = {}
        self.count = 0

    def request(self, step: str, method: str, url: str, expect: int, **kwargs: Any) -> Any:
        url = url if url.startswith("http") else self.base + url
        started = time.perf_counter()
        answer = self.http.request(method, url, allow_redirects=False, timeout=60, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        self.count += 1
        self.timings[step] = self.timings.get(step, 0.0) + elapsed
        if answer.status_code != expect:
            raise RuntimeError(
                f"{step}: {method} {url} answered {answer.status_code}, not {expect}"
            )
        return answer

    def get(self, step: str, url: str) -> Any:
        return self.request(step, "GET", url, 200)

    def post(self, step: str, url: str, data: dict, files: Any = None) -> str:
        """POST a form; a success is a redirect, whose target is returned."""
        answer = self.request(step, "POST", url, 302, data=data, files=files)
        return answer.headers["Location"]

    def sign_in(self, username: str) -> None:
        page = self.get("login page", "/tai-khoan/dang-nhap/")
        form = forms_of(page.text)[-1]
        fields = {**form["fields"], "username": username, "password": PASSWORD}
        self.post("login", "/tai-khoan/dang-nhap/", fields)

    def submit_birth(self, jpeg: bytes, pdf: bytes) -> str:
        """The whole online submission; returns the receipt page's dossier code."""
        start = f"/nop-truc-tuyen/thu-tuc/{BIRTH}/"
        page = self.get("start page", start)
        form = next(f for f in forms_of(page.text) if "receiving_agency" in f["fields"])
        declaration = self.post("place POST", start, form["fields"])

        page = self.get("declaration page", declaration)
        form = next(f for f in forms_of(page.text) if "summary" in f["fields"])
        fields = {**form["fields"], "summary": "Đăng ký khai sinh cho cháu Nguyễn Minh Khang"}
        documents = self.post("declaration POST", declaration, fields)

        page = self.get("documents page", documents)
        uploads = [
            f for f in forms_of(page.text)
            if f["enctype"] == "multipart/form-data" and f["fields"]["slot"].startswith("doc-")
        ]  # fmt: skip
        for form, (name, content, kind) in zip(
            uploads[:2],
            [("giay-chung-sinh.jpg", jpeg, "image/jpeg"), ("can-cuoc.pdf", pdf, "application/pdf")],
            strict=True,
        ):
            fields = {**form["fields"], "action": "upload"}
            target = self.post("upload POST", documents, fields, {"files": (name, content, kind)})
            page = self.get("documents page", target)
            if f"Đã đính kèm tệp “{name}”." not in page.text:
                raise RuntimeError(f"the upload of {name} was not confirmed")
        forward = next(f for f in forms_of(page.text) if ("action", "next") in f["buttons"])
        delivery = self.post("documents POST", documents, {**forward["fields"], "action": "next"})

        page = self.get("delivery page", delivery)
        form = next(f for f in forms_of(page.text) if "delivery_address" in f["fields"])
        review = self.post(
            "delivery POST", delivery, {**form["fields"], "result_delivery": "electronic"}
        )

        page = self.get("review page", review)
        form = next(f for f in forms_of(page.text) if "token" in f["fields"])
        done = self.post("SUBMIT POST", review, form["fields"])
        page = self.get("receipt page", done)
        code = re.search(r'id="ma-ho-so"[^>]*>\s*([^<\s]+)', page.text)
        if not code:
            raise RuntimeError("the receipt page shows no dossier code")
        return code.group(1)


def client(
    number: int, base: str, usernames: list[str], flows: int, barrier: Any, results: Any
) -> None:
    """One client process: sign its citizens in, one warm-up flow, then ``flows`` measured.
    A failure breaks the barrier or sends its message, so the runner never waits for it."""
    try:
        jpeg, pdf = jpeg_bytes(seed=10 + number), pdf_bytes()
        sessions = []
        for username in usernames:
            flow = Flow(base)
            flow.sign_in(username)
            sessions.append(flow)
        sessions[0].submit_birth(jpeg, pdf)  # warm-up: connections, caches, compiled templates
        barrier.wait()
        cpu = time.process_time()
        records, codes = [], []
        for index in range(flows):
            flow = sessions[index % len(sessions)]
            flow.timings, flow.count = {}, 0
            started = time.perf_counter()
            codes.append(flow.submit_birth(jpeg, pdf))
            records.append(
                {**flow.timings, "whole flow": (time.perf_counter() - started) * 1000,
                 "requests": flow.count}
            )  # fmt: skip
        results.put((number, time.perf_counter(), records, codes, time.process_time() - cpu))
    except BaseException as error:
        barrier.abort()
        results.put((number, None, f"client {number}: {error!r}", [], 0.0))
        raise


# --- data -----------------------------------------------------------------------------------------
def prepare(citizens: int, background: int, keep: bool) -> tuple[str, dict]:
    """The benchmark database, migrated and loaded; returns its name and settings."""
    from django.db import connection

    connection.settings_dict.setdefault("TEST", {})["NAME"] = DB_NAME
    reuse = keep and live.has_rows(connection.settings_dict, DB_NAME, "accounts_user", citizens)
    if reuse:
        connection.close()
        connection.settings_dict["NAME"] = DB_NAME
        print(f"reusing {DB_NAME}")
        return DB_NAME, dict(connection.settings_dict)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    from generate_dossiers import generate

    from motcua.catalog.importer import import_file
    from motcua.catalog.services import link_implementations
    from motcua.core import demo
    from motcua.organizations.selectors import home_province
    from motcua.organizations.services import import_administrative_units

    import_administrative_units(include_legacy=False)
    demo.seed()
    import_file(live.CATALOG, progress=None)
    link_implementations(home_province())
    if background:
        print(f"generated {background:,} background dossiers in {generate(background):.1f} s")
    make_citizens(citizens)
    return DB_NAME, dict(connection.settings_dict)


def make_citizens(count: int) -> None:
    """``count`` citizens of Phường Hạ Long, with identity numbers and a password."""
    import datetime as dt

    from django.contrib.auth.hashers import make_password

    from motcua.accounts.models import AccountKind, CitizenProfile, User
    from motcua.organizations.models import AdministrativeUnit, Generation, UnitLevel

    commune = AdministrativeUnit.objects.get(
        generation=Generation.CURRENT, level=UnitLevel.COMMUNE, code=6688
    )
    password = make_password(PASSWORD)  # one Argon2 hash for all: hashing is slow on purpose
    for i in range(count):
        user = User.objects.create(
            username=f"{USER_PREFIX}{i}",
            full_name=f"Nguyễn Văn Thử {i}",
            kind=AccountKind.CITIZEN,
            email=f"congdan{i}@bench.example.vn",
            phone=f"09{i:08d}",
            password=password,
        )
        CitizenProfile.objects.create(
            user=user,
            national_id=f"022085{i:06d}",
            date_of_birth=dt.date(1985, 1, 1) + dt.timedelta(days=i),
            sex="M",
            address=f"Số {i + 1} đường Trần Hưng Đạo",
            commune=commune,
        )


def check_dossiers(codes: list[str]) -> None:
    """Every measured flow made exactly one online dossier with its two files."""
    from django.db.models import Count

    from motcua.dossiers.models import Dossier

    made = Dossier.objects.filter(code__in=codes).annotate(files=Count("components__files"))
    if len(set(codes)) != len(codes) or made.count() != len(codes):
        raise SystemExit(f"{len(codes)} flows but {made.count()} distinct dossiers")
    wrong = [d.code for d in made if d.files != 2 or d.channel != "online" or d.status != 1]
    if wrong:
        raise SystemExit(f"dossiers without their two files or not submitted online: {wrong[:5]}")


def report(records: list[dict], wall: float) -> None:
    steps = [s for s in dict.fromkeys(s for record in records for s in record) if s != "requests"]
    print(f"{'step (ms, per flow)':26} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for step in steps:
        q = live.quantiles([record[step] for record in records if step in record])
        print(f"{step:26} {q['p50']:8.1f} {q['p95']:8.1f} {q['p99']:8.1f} {q['max']:8.1f}")
    requests = sum(record["requests"] for record in records)
    print(
        f"{len(records)} submissions in {wall:.1f} s: {len(records) / wall:.1f} submissions/s, "
        f"about {requests / wall:.0f} requests/s"
    )
    submit = live.quantiles([record["SUBMIT POST"] for record in records])
    verdict = "met" if submit["p95"] <= 150 else "MISSED"
    print(f"target submit POST p95 ≤ 150 ms: {submit['p95']:.1f} ms — {verdict}")


def main() -> None:
    live.setup_django()
    clients = int(os.environ.get("BENCH_CLIENTS", 8))
    flows = int(os.environ.get("BENCH_FLOWS", 25))
    citizens = max(int(os.environ.get("BENCH_CITIZENS", 32)), clients)
    background = int(os.environ.get("BENCH_BACKGROUND", 100_000))
    workers = int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1))
    keep = os.environ.get("BENCH_KEEP") == "1"
    from django.db import connection

    name, settings_dict = prepare(citizens, background, keep)
    print(f"machine: {live.machine()}")
    print(
        f"{clients} clients × {flows} flows, {citizens} citizens, gunicorn {workers} workers, "
        f"database {name}"
    )
    connection.close()  # the client processes are forked: they must not share it
    try:
        with (
            live.redis_server() as redis,
            live.gunicorn(live.database_url(settings_dict), redis, workers=workers) as base,
        ):
            context = multiprocessing.get_context("fork")
            barrier, results = context.Barrier(clients + 1), context.Queue()
            processes = [
                context.Process(
                    target=client,
                    args=(
                        n,
                        base,
                        [f"{USER_PREFIX}{i}" for i in range(n, citizens, clients)],
                        flows,
                        barrier,
                        results,
                    ),
                )  # fmt: skip
                for n in range(clients)
            ]
            for process in processes:
                process.start()
            try:
                barrier.wait(timeout=600)
            except threading.BrokenBarrierError:
                raise SystemExit(
                    "a client failed before the measure (its error is above)"
                ) from None
            started = time.perf_counter()
            finished = [results.get(timeout=1800) for _ in processes]
            for process in processes:
                process.join()
            failures = [records for _n, end, records, _c, _cpu in finished if end is None]
            if failures:
                raise SystemExit("; ".join(failures))
        wall = max(end for _n, end, _r, _c, _cpu in finished) - started
        records = [record for _n, _e, rs, _c, _cpu in finished for record in rs]
        report(records, wall)
        cpu = sum(seconds for *_rest, seconds in finished)
        print(
            f"the clients themselves used {cpu:.1f} CPU-seconds of the "
            f"{wall * (os.cpu_count() or 1):.1f} the machine had during the run; load average "
            f"after the run: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        check_dossiers([code for _n, _e, _r, codes, _cpu in finished for code in codes])
    finally:
        if not keep:
            connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
