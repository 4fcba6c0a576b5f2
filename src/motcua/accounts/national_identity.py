"""From the national identity's claims to a citizen account (issue 5, decision 28).

- The first national sign-in with a personal ID number creates a citizen account whose profile
  is marked verified (``identity_verified_at``); later sign-ins update it and record
  ``national_login_at``. The national identity is authoritative for the name, date of birth and
  sex; the phone and e-mail it gives only fill empty ones (the citizen's own contacts win) and
  are never taken from another account.
- A profile that already holds the number but was only *declared* (a local registration) is
  never taken over by an anonymous national sign-in: whoever registered it would otherwise get
  the verified identity's dossiers, or the other way round. Its owner links it from the account
  page while signed in with its password (``linking_user``): then both are proven.
- Officers and staff never sign in this way (they keep password + TOTP), and an account made
  here is a plain citizen account that can never reach the back office.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from motcua.accounts.identity import parse_personal_id
from motcua.accounts.models import AccountKind, CitizenProfile, Sex, User
from motcua.accounts.oidc import NationalSignInError, Reason

# Session flag: this session was opened by the national identity (indicator 4.5).
SESSION_METHOD_KEY = "motcua_auth_method"
NATIONAL = "national_identity"


@dataclass(frozen=True)
class NationalClaims:
    national_id: str
    full_name: str
    date_of_birth: dt.date
    is_female: bool
    phone: str
    email: str


def _claim(raw: dict[str, Any], field: str) -> str:
    value = raw.get(settings.OIDC_CLAIMS[field])
    return str(value).strip() if value not in (None, "") else ""


def _parse_date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise NationalSignInError(Reason.BAD_CLAIMS, "birthdate")


def normalise_phone(text: str) -> str:
    """``+84 912 345 678`` → ``0912345678``: one spelling, so the unique phone stays unique."""
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if re.fullmatch(r"0\d{9,10}", digits) else ""


def parse_claims(raw: dict[str, Any]) -> NationalClaims:
    """Check and map the provider's claims; a missing or inconsistent identity is refused."""
    national_id = _claim(raw, "national_id")
    full_name = _claim(raw, "full_name")
    birth = _claim(raw, "date_of_birth")
    if not (national_id and full_name and birth):
        raise NationalSignInError(Reason.BAD_CLAIMS, "national_id, name and birthdate required")
    date_of_birth = _parse_date(birth)
    try:
        parsed = parse_personal_id(national_id, date_of_birth)
    except ValidationError as exc:
        raise NationalSignInError(Reason.BAD_CLAIMS, "; ".join(exc.messages)) from exc
    email = _claim(raw, "email")
    return NationalClaims(
        national_id=national_id,
        full_name=full_name[:150],
        date_of_birth=date_of_birth,
        is_female=parsed.is_female,
        phone=normalise_phone(_claim(raw, "phone")),
        email=email if "@" in email and len(email) <= 254 else "",
    )


def is_back_office_account(user: User) -> bool:
    return user.is_officer or user.is_superuser or user.memberships.exists()


def _new_username() -> str:
    # Never the ID number itself: usernames are written into the audit log, which is permanent.
    while True:
        username = f"dinhdanh-{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def _apply(user: User, profile: CitizenProfile, claims: NationalClaims) -> None:
    now = timezone.now()
    user.full_name = claims.full_name
    if claims.phone and not user.phone:
        if not User.objects.filter(phone=claims.phone).exclude(pk=user.pk).exists():
            user.phone = claims.phone
    if claims.email and not user.email:
        if not User.objects.filter(email__iexact=claims.email).exclude(pk=user.pk).exists():
            user.email = claims.email
    user.save()
    profile.date_of_birth = claims.date_of_birth
    profile.sex = Sex.FEMALE if claims.is_female else Sex.MALE
    profile.identity_verified_at = profile.identity_verified_at or now
    profile.national_login_at = now
    profile.save()


def _create(claims: NationalClaims) -> tuple[User, CitizenProfile]:
    user = User(username=_new_username(), kind=AccountKind.CITIZEN)
    user.set_unusable_password()  # this account signs in through the national identity only
    user.save()
    profile = CitizenProfile.objects.create(
        user=user, national_id=claims.national_id, date_of_birth=claims.date_of_birth
    )
    return user, profile


def _linked(claims: NationalClaims, linking_user: User) -> tuple[User, CitizenProfile]:
    if is_back_office_account(linking_user):
        raise NationalSignInError(Reason.OFFICER)
    profile = CitizenProfile.objects.select_for_update().filter(user=linking_user).first()
    if profile is not None and profile.national_id != claims.national_id:
        raise NationalSignInError(Reason.LINK_MISMATCH)
    if profile is None:
        if linking_user.kind != AccountKind.CITIZEN:
            raise NationalSignInError(Reason.LINK_MISMATCH, "not a citizen account")
        if CitizenProfile.objects.filter(national_id=claims.national_id).exists():
            raise NationalSignInError(Reason.UNVERIFIED_CONFLICT)
        profile = CitizenProfile.objects.create(
            user=linking_user,
            national_id=claims.national_id,
            date_of_birth=claims.date_of_birth,
        )
    return linking_user, profile


@transaction.atomic
def account_for(claims: NationalClaims, *, linking_user: User | None = None) -> User:
    """The citizen account of these claims, created or updated (see the module docstring)."""
    if linking_user is not None:
        user, profile = _linked(claims, linking_user)
    else:
        profile = (
            CitizenProfile.objects.select_for_update()
            .select_related("user")
            .filter(national_id=claims.national_id)
            .first()
        )
        created = False
        if profile is None:
            try:
                with transaction.atomic():
                    user, profile = _create(claims)
                created = True
            except IntegrityError:
                # Two first sign-ins of one person at once: the other one created it.
                profile = CitizenProfile.objects.select_related("user").get(
                    national_id=claims.national_id
                )
        user = profile.user
        if is_back_office_account(user):
            raise NationalSignInError(Reason.OFFICER)
        if not user.is_active:
            raise NationalSignInError(Reason.INACTIVE)
        if not created and profile.identity_verified_at is None:
            raise NationalSignInError(Reason.UNVERIFIED_CONFLICT)
    _apply(user, profile, claims)
    return user


def signed_in_with_national_identity(request: HttpRequest) -> bool:
    """True when this session was opened by the national identity (not a password)."""
    return request.session.get(SESSION_METHOD_KEY) == NATIONAL
