"""Who is calling: an API token (basic auth ``email/token:SECRET``) or an access token
(``Authorization: Bearer SECRET``), always looked up within the request's account.

Session cookies are deliberately not an authentication class here: a browser's session
can never drive the API, so the API needs no CSRF protection.
"""

from __future__ import annotations

import base64
import binascii

from rest_framework import authentication, exceptions

from api.tokens import user_for_basic_token, user_for_bearer_token

REALM = 'Basic realm="Sportello API"'
_FAILED = "Couldn't authenticate you"


class ZendeskTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Basic base64("email/token:SECRET")``. Passwords are not accepted
    (Zendesk retired password access to its API)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_FAILED)
        try:
            decoded = base64.b64decode(header[1], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise exceptions.AuthenticationFailed(_FAILED) from exc
        if "\x00" in decoded:  # PostgreSQL cannot compare text holding NUL
            raise exceptions.AuthenticationFailed(_FAILED)
        login, sep, secret = decoded.partition(":")
        email, slash, marker = login.rpartition("/")
        if not sep or not slash or marker != "token":
            raise exceptions.AuthenticationFailed(_FAILED)
        account = getattr(request._request, "account", None)
        user = account and user_for_basic_token(account=account, email=email, secret=secret)
        if not user:
            raise exceptions.AuthenticationFailed(_FAILED)
        return user, None

    def authenticate_header(self, request):
        return REALM


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_FAILED)
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_FAILED) from exc
        if "\x00" in secret:
            raise exceptions.AuthenticationFailed(_FAILED)
        account = getattr(request._request, "account", None)
        user = account and user_for_bearer_token(account=account, secret=secret)
        if not user:
            raise exceptions.AuthenticationFailed(_FAILED)
        return user, None

    def authenticate_header(self, request):
        return 'Bearer realm="Sportello API"'
