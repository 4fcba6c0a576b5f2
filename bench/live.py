"""What the HTTP benchmarks share: a benchmark database, a private Redis and gunicorn started
the production way (``DEBUG`` off, ``DATABASE_URL``, a secret key, a Celery broker and a shared
cache), each torn down afterwards.

The benchmarks run the app as ``docs/operations.md`` deploys it, minus the reverse proxy: the
clients talk to gunicorn on 127.0.0.1 directly.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT.parent / "shared" / "data" / "tthc" / "procedures.jsonl"


def setup_django() -> None:
    """Django in this process, for preparing the data (never for serving)."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the database of ``settings_dict`` (socket folders included)."""
    auth = quote(settings_dict.get("USER") or "", safe="")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def has_rows(settings_dict: dict, name: str, table: str, count: int) -> bool:
    """Whether database ``name`` exists and ``table`` holds at least ``count`` rows."""
    import psycopg

    try:
        with psycopg.connect(
            dbname=name,
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            user=settings_dict["USER"],
        ) as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= count  # noqa: S608
    except psycopg.Error:
        return False


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away Redis (no persistence) on a free port: the Celery broker and the shared
    cache, as in production. Debian's ``redis-server`` (``make bench`` installs it)."""
    program = shutil.which("redis-server")
    if program is None:
        raise SystemExit("redis-server is missing: run `make bench` (it installs Debian's).")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


@contextlib.contextmanager
def gunicorn(
    database: str, redis: str, *, workers: int, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """gunicorn with ``workers`` sync workers on a free port of 127.0.0.1, configured like a
    deployment; yields its base URL once ``/healthz`` answers."""
    port = free_port()
    media = tempfile.mkdtemp(prefix="motcua-bench-media-")
    env = {
        **os.environ,
        # BENCH_SRC: serve another copy of the source tree (to measure a change side by side).
        "PYTHONPATH": os.environ.get("BENCH_SRC", str(ROOT / "src")),
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "DATABASE_URL": database,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "0",
        "CELERY_BROKER_URL": f"{redis}/0",
        "MOTCUA_CACHE_URL": f"{redis}/1",
        "MOTCUA_MEDIA_ROOT": media,
        "MOTCUA_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    env.pop("MOTCUA_DEMO", None)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "motcua.wsgi",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--backlog", "2048",
        "--log-level", "warning",
    ]  # fmt: skip
    # Its log (a warning per 404, per refused form…) goes to a file, shown if it fails.
    log = Path(media) / "gunicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(30)
        errors = [line for line in log.read_text(errors="replace").splitlines()
                  if "Traceback" in line or "Error" in line]  # fmt: skip
        if errors:
            print(f"gunicorn logged {len(errors)} errors; the last: {errors[-1]}")
        shutil.rmtree(media, ignore_errors=True)


def quantiles(samples: list[float]) -> dict[str, float]:
    """p50 / p95 / p99 (inclusive) and the maximum of ``samples`` in milliseconds."""
    import statistics

    ordered = sorted(samples)
    if len(ordered) < 2:
        value = ordered[0] if ordered else float("nan")
        return {"p50": value, "p95": value, "p99": value, "max": value}
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": cut[49], "p95": cut[94], "p99": cut[98], "max": ordered[-1]}


def machine() -> str:
    """One line about the machine, for the report."""
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        model = next(
            (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), ""
        )
    return f"{os.cpu_count()} CPU ({model or 'unknown'}), Python {sys.version.split()[0]}"
