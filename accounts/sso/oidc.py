"""OpenID Connect, authorization code flow with PKCE.

authlib builds the authorization URL (state, nonce, S256 code challenge) and exchanges the
code for tokens; joserfc verifies the ID token's signature against the issuer's published
keys (JWKS) and its claims: issuer, audience (our client id), expiry and the nonce given
to this browser. Endpoints come from the issuer's discovery document, whose own
``issuer`` must be the configured one. Nothing of JWS or OAuth is written here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2 import OAuth2Error
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from accounts import field_crypto
from accounts.sso.services import SignInRefused
from accounts.sso_models import IdentityProvider

TIMEOUT = 10  # seconds for each call to the provider
ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]
LEEWAY = 60  # seconds of clock difference with the provider


@dataclass(frozen=True)
class Identity:
    email: str
    name: str


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        raise SignInRefused(_("The identity provider could not be reached. Try again.")) from None
    if not isinstance(data, dict):
        raise SignInRefused(_("The identity provider could not be reached. Try again."))
    return data


def discovery(provider: IdentityProvider) -> dict[str, Any]:
    issuer = provider.oidc_issuer.rstrip("/")
    document = _get_json(f"{issuer}/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise SignInRefused(_("The identity provider's issuer does not match its settings."))
    return document


def _session(provider: IdentityProvider, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.oidc_client_id,
        client_secret=field_crypto.decrypt(provider.oidc_client_secret),
        scope="openid email profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )


def start(provider: IdentityProvider, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """(where to send the browser, what this browser's session must keep)."""
    document = discovery(provider)
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url, _state = _session(provider, redirect_uri).create_authorization_url(
        document["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    return url, {"state": state, "nonce": nonce, "verifier": verifier}


def finish(
    provider: IdentityProvider, redirect_uri: str, kept: dict[str, str], params: dict[str, str]
) -> Identity:
    """The identity of the callback's code, or SignInRefused."""
    if params.get("error"):
        raise SignInRefused(_("The identity provider refused the sign-in."))
    state = params.get("state", "")
    if not kept.get("state") or not secrets.compare_digest(state, kept["state"]):
        raise SignInRefused(_("This sign-in was not started here. Start again."))
    document = discovery(provider)
    try:
        token = _session(provider, redirect_uri).fetch_token(
            document["token_endpoint"],
            code=params.get("code", ""),
            code_verifier=kept["verifier"],
            timeout=TIMEOUT,
        )
    except (OAuth2Error, requests.RequestException, ValueError, KeyError):
        raise SignInRefused(_("The identity provider refused the sign-in.")) from None
    claims = _verified_claims(provider, document, str(token.get("id_token", "")), kept["nonce"])
    if claims.get("email_verified") is False:
        raise SignInRefused(_("The identity provider has not verified your email."))
    return Identity(email=str(claims.get("email", "")), name=str(claims.get("name", "")))


def _verified_claims(
    provider: IdentityProvider, document: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    keys = KeySet.import_key_set(_get_json(str(document.get("jwks_uri", ""))))  # type: ignore[arg-type]
    try:
        decoded = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": document["issuer"]},
            aud={"essential": True, "value": provider.oidc_client_id},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError, KeyError, TypeError):
        raise SignInRefused(_("The identity provider's answer could not be verified.")) from None
    return decoded.claims
