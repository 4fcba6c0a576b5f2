"""Template context shared by the portal and the back office."""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest

from motcua.organizations.selectors import home_province


def site(request: HttpRequest) -> dict[str, object]:
    """The province this installation serves, for headers and titles."""
    try:
        return {"home_province": home_province()}
    except DatabaseError:
        # The error pages must render even when the database is the thing that failed.
        return {"home_province": None}
