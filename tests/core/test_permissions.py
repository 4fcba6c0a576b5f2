"""Roles and scope of an officer (core.permissions): what they answer, that one page computes
them once (cached on the user object), and that a changed membership is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import OfficerMembership
from motcua.accounts.roles import Role
from motcua.core import permissions
from motcua.core.permissions import can_view_agency, roles_for, scope_agency_ids
from motcua.dossiers.services import perform, submit
from tests.dossiers.conftest import birth_submission
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

CENTRE, WARD, VANDON = "H22.6688.1", "H22.6688", "H22.6994"
# The back-office dossier page of a leader: 31 queries before the cache (the roles were looked
# up four times, each time with the memberships and the agency tree), 20 with it; 23 once the
# consultation panel came. The bound leaves room for a panel more, not for per-check lookups.
DOSSIER_PAGE_MAX_QUERIES = 28


def _received_dossier():
    from motcua.catalog.models import ProcedureChannel

    ProcedureChannel.objects.filter(procedure__code="1.001193").update(
        duration_value=5, duration_unit="working_days"
    )
    desk = get_user("halong.tiepnhan")
    dossier = submit(birth_submission(), by=desk)
    return perform(dossier.code, "receive", desk)


def test_roles_held_above_an_agency_apply_below_it(new_officer):
    officer = new_officer("canbo.phuong", agency_code=WARD, role=Role.AGENCY_LEADER)
    centre = get_agency(CENTRE)
    assert get_agency(WARD).pk in centre.ancestor_ids()
    assert roles_for(officer, centre.pk) == {Role.AGENCY_LEADER}
    assert roles_for(officer, get_agency(WARD).pk) == {Role.AGENCY_LEADER}
    assert roles_for(officer, get_agency(VANDON).pk) == set()
    assert roles_for(officer, 987654321) == set()  # no such agency


def test_a_system_admin_acts_across_its_province(new_officer):
    admin = new_officer("quantri.tinh", agency_code=CENTRE, role=Role.SYSTEM_ADMIN)
    assert Role.SYSTEM_ADMIN in roles_for(admin, get_agency(VANDON).pk)
    assert can_view_agency(admin, get_agency(VANDON).pk)


def test_anonymous_and_superuser():
    from django.contrib.auth.models import AnonymousUser

    assert roles_for(AnonymousUser(), get_agency(WARD).pk) == set()
    assert scope_agency_ids(AnonymousUser()) == set()


def test_answers_are_cached_on_the_user_object(new_officer, django_assert_num_queries):
    officer = new_officer("canbo.cache", agency_code=WARD, role=Role.SPECIALIST)
    centre, ward = get_agency(CENTRE).pk, get_agency(WARD).pk
    roles_for(officer, centre)
    scope_agency_ids(officer)
    with django_assert_num_queries(0):
        assert roles_for(officer, centre) == {Role.SPECIALIST}
        assert roles_for(officer, ward) == {Role.SPECIALIST}  # the tree was walked already
        assert can_view_agency(officer, centre)
    # A caller that changes the answer it got does not change the cache.
    roles_for(officer, centre).add(Role.AGENCY_LEADER)
    assert roles_for(officer, centre) == {Role.SPECIALIST}


def test_a_changed_membership_is_seen_by_the_same_user_object(new_officer):
    officer = new_officer("canbo.doi", agency_code=VANDON, role=Role.SPECIALIST)
    ward = get_agency(WARD)
    assert roles_for(officer, ward.pk) == set()
    assert not can_view_agency(officer, ward.pk)
    membership = OfficerMembership.objects.create(
        user=officer, agency=ward, role=Role.AGENCY_LEADER
    )
    assert roles_for(officer, ward.pk) == {Role.AGENCY_LEADER}
    assert can_view_agency(officer, ward.pk)
    membership.is_active = False
    membership.save()
    assert roles_for(officer, ward.pk) == set()
    membership.delete()
    assert roles_for(officer, get_agency(VANDON).pk) == {Role.SPECIALIST}


def test_forget_drops_the_cache_after_a_raw_update(new_officer):
    officer = new_officer("canbo.raw", agency_code=WARD, role=Role.SPECIALIST)
    ward = get_agency(WARD).pk
    assert roles_for(officer, ward) == {Role.SPECIALIST}
    OfficerMembership.objects.filter(user=officer).update(role=Role.RECORDS_CLERK)  # no signal
    assert roles_for(officer, ward) == {Role.SPECIALIST}  # same request: still the old answer
    permissions.forget(officer)
    assert roles_for(officer, ward) == {Role.RECORDS_CLERK}


def test_the_next_request_sees_a_new_membership(otp_client, new_officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    dossier = _received_dossier()
    officer = new_officer("canbo.moi.ve", agency_code=VANDON, role=Role.AGENCY_LEADER)
    TOTPDevice.objects.create(user=officer, name="test", confirmed=True)
    client = otp_client(officer.username)
    url = f"/can-bo/ho-so/{dossier.code}/"
    assert client.get(url).status_code == 404
    membership = OfficerMembership.objects.create(
        user=officer, agency=get_agency(WARD), role=Role.AGENCY_LEADER
    )
    assert client.get(url).status_code == 200
    # A raw update fires no signal; the next request loads a new user object all the same.
    OfficerMembership.objects.filter(pk=membership.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_dossier_page_query_count_is_bounded(otp_client):
    dossier = _received_dossier()
    client = otp_client("halong.lanhdao")
    url = f"/can-bo/ho-so/{dossier.code}/"
    assert client.get(url).status_code == 200  # warm the per-process caches (calendars)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert dossier.code in response.content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= DOSSIER_PAGE_MAX_QUERIES, "\n".join(sql)
    # The roles are computed once per request: one read of the memberships, and each agency
    # of the tree (receiving centre, competent committee, their parents) read at most once.
    memberships = [q for q in sql if '"agency__province_id"' in q]
    assert len(memberships) == 1, memberships
    tree = [q for q in sql if '"parent_id" AS "parent_id"' in q]
    assert len(tree) == len(set(tree)) <= 3, tree
