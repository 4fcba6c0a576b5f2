"""Sign in with a username, an e-mail address, a phone number or a national ID number."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from motcua.accounts.models import User


class IdentifierBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        identifier = username.strip()
        matches = list(
            User.objects.filter(
                Q(username=identifier)
                | Q(email__iexact=identifier)
                | Q(phone=identifier)
                | Q(citizen_profile__national_id=identifier)
            )[:2]
        )
        if len(matches) != 1:
            # Unknown, or ambiguous: run the hasher anyway so timing does not tell which.
            User().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
