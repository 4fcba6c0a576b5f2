"""WSGI entry point for gunicorn: ``gunicorn motcua.wsgi`` (with src/ on PYTHONPATH)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

application = get_wsgi_application()
