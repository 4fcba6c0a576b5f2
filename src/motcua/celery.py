"""The Celery application (ARCHITECTURE.md, "Stack": background work).

The broker comes from ``CELERY_BROKER_URL`` (Redis or RabbitMQ). Without one, settings make
every task run eagerly in-process, so development and the test suite need no broker.

Worker: ``PYTHONPATH=src .venv/bin/celery -A motcua worker -l info``.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
