"""The OpenID Connect relying party for the national identity (VNeID / the national portal's SSO).

Authlib does the protocol: authorization code with PKCE (S256), ``state`` kept in the session,
``nonce`` checked in the ID token, the ID token's signature checked against the provider's JWKS
(``iss``, ``aud``, ``exp`` too), the token request authenticated with the client secret. This
module adds what the national identity needs around it: the provider's discovery document
cached for ``OIDC_METADATA_CACHE_SECONDS`` (with its JWKS, refetched by Authlib when an unknown
key id appears), the issuer checked twice (discovery and the RFC 9207 ``iss`` of the callback),
``acr_values`` sent as configured, the profile read from the userinfo endpoint, and every
failure turned into one ``NationalSignInError`` whose ``reason`` the views turn into a clear page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App
from authlib.integrations.django_client.integration import DjangoIntegration
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from joserfc.errors import BadSignatureError, InvalidClaimError, JoseError, MissingClaimError

NAME = "national"
# Our own per-attempt data (where to go next, which account asked to link), beside Authlib's.
_ATTEMPT_KEY = "_national_attempt_"


class Reason:
    """Why a national sign-in failed; each has its own page (see ``oidc_views``)."""

    NOT_CONFIGURED = "not_configured"
    UNAVAILABLE = "provider_unavailable"
    PROVIDER_ERROR = "provider_error"
    ACCESS_DENIED = "access_denied"
    BAD_STATE = "bad_state"
    NONCE_MISMATCH = "nonce_mismatch"
    BAD_SIGNATURE = "bad_signature"
    INVALID_TOKEN = "invalid_id_token"  # noqa: S105 — a reason code, not a secret
    BAD_CLAIMS = "bad_claims"
    OFFICER = "officer_account"
    INACTIVE = "inactive_account"
    UNVERIFIED_CONFLICT = "unverified_conflict"
    LINK_MISMATCH = "link_mismatch"


class NationalSignInError(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Attempt:
    """What the callback learnt: the provider's claims and our own data for this attempt."""

    claims: dict[str, Any]
    next_url: str
    link_user_id: int | None
    acr: str


def is_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def metadata_cache_key() -> str:
    return f"oidc-metadata:{settings.OIDC_ISSUER}"


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise NationalSignInError(Reason.UNAVAILABLE, str(exc)) from exc
    if response.status_code != 200:
        raise NationalSignInError(Reason.UNAVAILABLE, f"{url} answered {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise NationalSignInError(Reason.PROVIDER_ERROR, f"{url} is not JSON") from exc


def load_metadata() -> dict[str, Any]:
    """The provider's discovery document, cached; its ``issuer`` must be the one configured."""
    metadata = cache.get(metadata_cache_key())
    if metadata is not None:
        return metadata
    metadata = _get_json(f"{settings.OIDC_ISSUER}/.well-known/openid-configuration")
    if metadata.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
        # OpenID Connect Discovery 4.3: a document naming another issuer must not be used.
        raise NationalSignInError(Reason.PROVIDER_ERROR, "issuer mismatch in discovery")
    cache.set(metadata_cache_key(), metadata, settings.OIDC_METADATA_CACHE_SECONDS)
    return metadata


def _client(metadata: dict[str, Any]) -> DjangoOAuth2App:
    known = {k: v for k, v in metadata.items() if not k.startswith("_")}
    return DjangoOAuth2App(
        DjangoIntegration(NAME),
        name=NAME,
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=settings.OIDC_CLIENT_SECRET,
        client_kwargs={
            "scope": settings.OIDC_SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": settings.OIDC_TOKEN_AUTH_METHOD,
            "default_timeout": settings.OIDC_TIMEOUT_SECONDS,
        },
        # Authlib reads the endpoints from these keys; "_loaded_at" stops it refetching them.
        _loaded_at=0,
        **known,
    )


def redirect_uri(request: HttpRequest) -> str:
    return settings.OIDC_REDIRECT_URI or request.build_absolute_uri(
        reverse("accounts:national_callback")
    )


def authorization_url(request: HttpRequest, *, next_url: str, link_user_id: int | None) -> str:
    """Start an attempt: remember state, PKCE verifier and nonce; return the provider's URL."""
    if not is_enabled():
        raise NationalSignInError(Reason.NOT_CONFIGURED)
    app = _client(load_metadata())
    callback = redirect_uri(request)
    extra: dict[str, str] = {}
    if settings.OIDC_ACR_VALUES:
        extra["acr_values"] = settings.OIDC_ACR_VALUES
    result = app.create_authorization_url(callback, **extra)
    # Attempts abandoned at the provider leave their keys; drop ours once Authlib's expired.
    for key in [k for k in request.session.keys() if k.startswith(_ATTEMPT_KEY)]:
        if f"_state_{NAME}_{key.removeprefix(_ATTEMPT_KEY)}" not in request.session:
            del request.session[key]
    app.save_authorize_data(request, redirect_uri=callback, **result)
    request.session[_ATTEMPT_KEY + result["state"]] = {
        "next": next_url,
        "link_user_id": link_user_id,
    }
    return result["url"]


def _token(request: HttpRequest, app: DjangoOAuth2App) -> dict[str, Any]:
    try:
        return app.authorize_access_token(request)
    except MismatchingStateError as exc:
        raise NationalSignInError(Reason.BAD_STATE) from exc
    except OAuthError as exc:
        if exc.error == "access_denied":
            raise NationalSignInError(Reason.ACCESS_DENIED, exc.description or "") from exc
        raise NationalSignInError(Reason.PROVIDER_ERROR, f"{exc.error}: {exc.description}") from exc
    except BadSignatureError as exc:
        raise NationalSignInError(Reason.BAD_SIGNATURE) from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        if exc.claim == "nonce":
            raise NationalSignInError(Reason.NONCE_MISMATCH) from exc
        raise NationalSignInError(Reason.INVALID_TOKEN, str(exc)) from exc
    except JoseError as exc:
        raise NationalSignInError(Reason.INVALID_TOKEN, str(exc)) from exc
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise NationalSignInError(Reason.UNAVAILABLE, str(exc)) from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise NationalSignInError(Reason.PROVIDER_ERROR, str(exc)) from exc


def _userinfo(app: DjangoOAuth2App, token: dict[str, Any]) -> dict[str, Any]:
    try:
        return dict(app.userinfo(token=token))
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise NationalSignInError(Reason.UNAVAILABLE, str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise NationalSignInError(Reason.PROVIDER_ERROR, f"userinfo: {exc}") from exc


def complete(request: HttpRequest) -> Attempt:
    """Finish the attempt named by the callback's ``state``, or raise ``NationalSignInError``."""
    if not is_enabled():
        raise NationalSignInError(Reason.NOT_CONFIGURED)
    state = request.GET.get("state", "")
    attempt = request.session.pop(_ATTEMPT_KEY + state, None) if state else None
    metadata = load_metadata()
    issuer = request.GET.get("iss")
    if issuer is not None and issuer.rstrip("/") != settings.OIDC_ISSUER:
        # RFC 9207: a response from another provider (mix-up attack) is refused.
        raise NationalSignInError(Reason.PROVIDER_ERROR, "iss of the response")
    app = _client(metadata)
    token = _token(request, app)
    if attempt is None:
        raise NationalSignInError(Reason.BAD_STATE)
    if "jwks" in app.server_metadata and "jwks" not in metadata:
        cache.set(
            metadata_cache_key(),
            {**metadata, "jwks": app.server_metadata["jwks"]},
            settings.OIDC_METADATA_CACHE_SECONDS,
        )
    id_claims = token.get("userinfo")
    if not id_claims:
        raise NationalSignInError(Reason.INVALID_TOKEN, "no ID token")
    profile = _userinfo(app, token)
    if profile.get("sub") != id_claims.get("sub"):
        # OpenID Connect Core 5.3.2: userinfo of another subject must not be used.
        raise NationalSignInError(Reason.BAD_CLAIMS, "userinfo sub differs from the ID token")
    return Attempt(
        claims={**id_claims, **profile},
        next_url=attempt.get("next") or "",
        link_user_id=attempt.get("link_user_id"),
        acr=str(id_claims.get("acr", "")),
    )
