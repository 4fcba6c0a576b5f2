"""The client address recorded in the audit log and used by the lockout."""

import pytest
from django.test import RequestFactory, override_settings

from motcua.core.audit import client_ip


def request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)


def test_no_request_no_address():
    assert client_ip(None) is None


def test_remote_addr_by_default():
    assert client_ip(request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == "10.0.0.1"


@override_settings(MOTCUA_CLIENT_IP_HEADER="HTTP_X_FORWARDED_FOR")
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        # Only the last hop (appended by our own proxy) is trusted, never what the client sent.
        ("1.2.3.4, 203.0.113.9", "203.0.113.9"),
        ("1.2.3.4,203.0.113.9 ", "203.0.113.9"),
        ("2001:db8::1", "2001:db8::1"),
        ("khong-phai-ip", "10.0.0.1"),
        ("", "10.0.0.1"),
    ],
)
def test_behind_a_proxy_the_last_hop_counts(header, expected):
    assert client_ip(request(HTTP_X_FORWARDED_FOR=header)) == expected
