"""The admin shows procedures read-only and edits only their links to our agencies."""

import pytest

pytestmark = pytest.mark.django_db


def test_procedure_admin_pages_render_for_the_sysadmin(otp_client):
    client = otp_client("quantri")
    assert client.get("/quan-tri/catalog/procedure/", {"q": "khai sinh"}).status_code == 200
    from motcua.catalog.models import Procedure

    pk = Procedure.objects.get(code="1.001193").pk
    page = client.get(f"/quan-tri/catalog/procedure/{pk}/change/")
    assert page.status_code == 200
    assert "Thủ tục đăng ký khai sinh" in page.content.decode()
    assert client.get("/quan-tri/catalog/procedure/add/").status_code == 403
    assert client.get("/quan-tri/catalog/procedureimplementation/").status_code == 200
    assert client.get("/quan-tri/catalog/procedureversion/").status_code == 200
