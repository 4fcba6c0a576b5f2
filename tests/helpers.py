"""Plain helpers for the tests (fixtures live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

from django.test import Client

# The national catalog extract beside the project (../shared/data/tthc/procedures.jsonl).
CATALOG_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "tthc" / "procedures.jsonl"

PASSWORD = "MotCua@2026"  # core.demo.DEMO_PASSWORD
LOGIN_URL = "/tai-khoan/dang-nhap/"
LOGOUT_URL = "/tai-khoan/dang-xuat/"
OTP_VERIFY_URL = "/tai-khoan/xac-thuc-hai-lop/"
OTP_SETUP_URL = "/tai-khoan/thiet-lap-xac-thuc-hai-lop/"


def get_user(username: str):
    from motcua.accounts.models import User

    return User.objects.get(username=username)


def get_agency(code: str):
    from motcua.organizations.models import Agency

    return Agency.objects.get(code=code)


def post_login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})
