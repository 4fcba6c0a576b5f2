"""Run the local OpenID provider (tools/oidc-provider, npm `oidc-provider`) as a separate
process on 127.0.0.1, and walk through its login and consent pages like a browser would."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

TOOL_DIR = Path(__file__).resolve().parents[2] / "tools" / "oidc-provider"
CLIENT_ID = "motcua-test"
CLIENT_SECRET = "motcua-test-secret-2026"  # noqa: S105 — the local test provider's client
PASSWORD = "matkhau"  # every test identity's password at the provider (server.js)
# Test identities of tools/oidc-provider/server.js.
MAI = "022185006789"  # Hoàng Thị Mai, +84904111222, mai.hoang@example.vn
HUNG = "022092003456"  # Đỗ Văn Hùng, 0913222333, no e-mail
AN = "022090001234"  # Nguyễn Văn An: the same number as the demo citizen congdan1
BAD_DOB = "022201000111"  # date of birth contradicts the number


@dataclass
class Provider:
    issuer: str
    port: int
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(redirect_uris: list[str]) -> Iterator[Provider]:
    if not (TOOL_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tools/oidc-provider/node_modules is missing: run `make oidc-provider`.")
    port = free_port()
    env = {
        **os.environ,
        "OIDC_PROVIDER_PORT": str(port),
        "OIDC_PROVIDER_CLIENT_ID": CLIENT_ID,
        "OIDC_PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_REDIRECT_URIS": ",".join(redirect_uris),
    }
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(  # noqa: S603 — our own script
        ["node", str(TOOL_DIR / "server.js")], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"the OpenID provider stopped: {log.read().decode()}")
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the OpenID provider did not answer within 20 s")
            time.sleep(0.1)
        yield Provider(issuer, port, process)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def configure(settings, provider: Provider, redirect_uri: str = "") -> None:
    """Point the relying party (our settings) at the running provider."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ACR_VALUES = "urn:vneid:level2"
    settings.OIDC_REDIRECT_URI = redirect_uri


class Agent:
    """A scripted user agent at the provider: follows its redirects, fills its forms, and stops
    at the first redirect that leaves the provider (our callback)."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self.http = requests.Session()
        self.page = ""
        self.url = ""

    def _follow(self, response: requests.Response) -> str | None:
        while response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if not target.startswith(self.issuer):
                return target
            response = self.http.get(target, allow_redirects=False, timeout=10)
        self.page, self.url = response.text, response.url
        return None

    def open(self, url: str) -> str | None:
        return self._follow(self.http.get(url, allow_redirects=False, timeout=10))

    def submit(self, action: str, data: dict[str, str] | None = None) -> str | None:
        match = re.search(rf'action="([^"]*/{action})"', self.page)
        assert match, f"no {action} form on the provider page:\n{self.page}"
        url = urljoin(self.url, unescape(match.group(1)))
        return self._follow(self.http.post(url, data=data or {}, allow_redirects=False, timeout=10))

    def sign_in_and_consent(self, authorize_url: str, national_id: str) -> str:
        """Log in as a test identity and agree to share; return our callback URL."""
        assert self.open(authorize_url) is None
        assert self.submit("login", {"login": national_id, "password": PASSWORD}) is None
        assert "Chia sẻ thông tin" in self.page
        callback = self.submit("confirm")
        assert callback is not None
        return callback

    def sign_in_and_deny(self, authorize_url: str, national_id: str) -> str:
        assert self.open(authorize_url) is None
        assert self.submit("login", {"login": national_id, "password": PASSWORD}) is None
        callback = self.submit("abort")
        assert callback is not None
        return callback
