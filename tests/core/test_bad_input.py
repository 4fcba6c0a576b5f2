"""Malformed input gets a clear answer, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/co-quan/?q=%00",
        "/co-quan/?q=ha%00long",
        "/co-quan/H22%00/",
        "/can-bo/co-quan/?q=%00",
    ],
)
def test_nul_characters_are_refused_with_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/co-quan/?page=abc", "/co-quan/?page=-1", "/co-quan/?cap=zzz", "/co-quan/?q=" + "a" * 500],
)
def test_odd_parameters_still_answer_the_page(client, url):
    assert client.get(url).status_code == 200
