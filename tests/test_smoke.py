import pytest

pytestmark = pytest.mark.django_db


def test_portal_home_names_the_province(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Quảng Ninh" in response.content.decode()


def test_officer_reaches_back_office_with_second_factor(otp_client):
    client = otp_client("halong.tiepnhan")
    response = client.get("/can-bo/")
    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in response.content.decode()
