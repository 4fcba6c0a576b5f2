"""Local accounts: a citizen or a business registers with an e-mail address or a phone number,
and the account stays inactive until the code sent there is entered.

The pending account holds its contact, ID number or tax code from the start (the unique
constraints then settle any race), but one never verified is *abandoned* once its last code has
expired: a new registration with the same contact or number replaces it, so nobody can reserve
another person's address or number by starting a registration and walking away.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import (
    AccountKind,
    BusinessProfile,
    CitizenProfile,
    ContactVerification,
    User,
)


def is_pending(user: User) -> bool:
    """Registered here and waiting for its code (not an account an administrator locked)."""
    return (
        not user.is_active
        and user.last_login is None
        and user.contact_verifications.exists()
        and not user.contact_verifications.filter(verified_at__isnull=False).exists()
    )


def is_abandoned(user: User) -> bool:
    if not is_pending(user):
        return False
    cutoff = timezone.now() - dt.timedelta(minutes=settings.MOTCUA_VERIFICATION_CODE_MINUTES)
    return not user.contact_verifications.filter(sent_at__gt=cutoff).exists()


def national_id_free(number: str) -> bool:
    profile = CitizenProfile.objects.select_related("user").filter(national_id=number).first()
    return profile is None or is_abandoned(profile.user)


def tax_code_free(code: str) -> bool:
    profile = BusinessProfile.objects.select_related("user").filter(tax_code=code).first()
    return profile is None or is_abandoned(profile.user)


def _remove_abandoned(contact: str, national_id: str = "", tax_code: str = "") -> None:
    holders = list(User.objects.filter(email__iexact=contact)) + list(
        User.objects.filter(phone=contact)
    )
    if national_id:
        holders += list(User.objects.filter(citizen_profile__national_id=national_id))
    if tax_code:
        holders += list(User.objects.filter(business_profile__tax_code=tax_code))
    for user in holders:
        if is_abandoned(user):
            user.delete()  # its verification rows stay (user set to NULL) and keep counting


def _new_user(data: dict[str, Any], kind: str, full_name: str) -> User:
    contact = data["contact"]
    username = contact.lower() if "@" in contact else contact
    if User.objects.filter(username=username).exists():
        username = f"{username[:140]}-{secrets.token_hex(3)}"
    user = User(
        username=username,
        kind=kind,
        full_name=full_name,
        email=contact if "@" in contact else "",
        phone="" if "@" in contact else contact,
        is_active=False,
    )
    user.set_password(data["password1"])
    user.save()
    return user


@transaction.atomic
def register_citizen(data: dict[str, Any]) -> User:
    """Create the inactive citizen account with its declared (unverified) identity."""
    _remove_abandoned(data["contact"], national_id=data["national_id"])
    user = _new_user(data, AccountKind.CITIZEN, data["full_name"].strip())
    profile = CitizenProfile(
        user=user, national_id=data["national_id"], date_of_birth=data["date_of_birth"]
    )
    profile.clean()  # derives the sex from the number
    profile.save()
    return user


@transaction.atomic
def register_business(data: dict[str, Any]) -> User:
    _remove_abandoned(data["contact"], tax_code=data["tax_code"])
    user = _new_user(data, AccountKind.BUSINESS, data["legal_representative"].strip())
    BusinessProfile.objects.create(
        user=user,
        tax_code=data["tax_code"],
        name=data["name"].strip(),
        legal_representative=data["legal_representative"].strip(),
    )
    return user


def contact_of(user: User) -> str:
    return user.email or user.phone


def activate(user: User) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])


def latest_code(user: User) -> ContactVerification | None:
    return user.contact_verifications.order_by("-sent_at").first()
