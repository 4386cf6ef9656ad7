"""SAML 2.0 Web SSO, SP-initiated (HTTP-Redirect out, HTTP-POST back).

python3-saml (OneLogin's, on xmlsec and lxml) builds the AuthnRequest and validates the
Response: the XML signature over the assertion with the configured certificate (and no
signature-wrapping tricks), Destination, Audience (this account's entity id), Issuer,
the validity window and InResponseTo. Chosen over pysaml2: it needs no xmlsec1 program
(pysaml2 shells out to it, not installed here), installs as wheels (xmlsec's wheel carries
the same libxml2 as lxml's), and takes its settings as one dict per request, which fits
one provider per account. On top, here: the response must answer the request this
browser's session made (unsolicited responses are refused), and an assertion id signs in
once (SamlAssertionSeen).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import requests
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from accounts.sso.services import SignInRefused
from accounts.sso_models import IdentityProvider, SamlAssertionSeen

EMAIL_ATTRIBUTES = (
    "email",
    "mail",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)
NAME_ATTRIBUTES = (
    "name",
    "displayName",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "urn:oid:2.16.840.1.113730.3.1.241",
)
MAX_RESPONSE_CHARS = 200_000


@dataclass(frozen=True)
class Identity:
    email: str
    name: str


def _site(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def sp_entity_id(request: HttpRequest) -> str:
    return _site(request) + reverse("accounts:sso_saml_metadata")


def acs_url(request: HttpRequest) -> str:
    return _site(request) + reverse("accounts:sso_saml_acs")


def settings_for(provider: IdentityProvider, request: HttpRequest) -> dict[str, Any]:
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": sp_entity_id(request),
            "assertionConsumerService": {
                "url": acs_url(request),
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_POST,
            },
            "NameIDFormat": OneLogin_Saml2_Constants.NAMEID_EMAIL_ADDRESS,
        },
        "idp": {
            "entityId": provider.saml_entity_id,
            "singleSignOnService": {
                "url": provider.saml_sso_url,
                "binding": OneLogin_Saml2_Constants.BINDING_HTTP_REDIRECT,
            },
            "x509cert": provider.saml_certificate,
        },
        "security": {
            "wantAssertionsSigned": True,
            "wantNameId": False,
            "rejectDeprecatedAlgorithm": True,
            "requestedAuthnContext": False,
        },
    }


def _request_data(request: HttpRequest) -> dict[str, Any]:
    return {
        "https": "on" if request.is_secure() else "off",
        "http_host": request.get_host(),
        "script_name": request.path,
        "get_data": request.GET.dict(),
        "post_data": request.POST.dict(),
    }


def _auth(provider: IdentityProvider, request: HttpRequest) -> OneLogin_Saml2_Auth:
    return OneLogin_Saml2_Auth(_request_data(request), settings_for(provider, request))


def start(provider: IdentityProvider, request: HttpRequest) -> tuple[str, dict[str, str]]:
    """(the identity provider's URL with our AuthnRequest, the request id to keep)."""
    try:
        auth = _auth(provider, request)
        url = auth.login()
    except (OneLogin_Saml2_Error, ValueError):
        raise SignInRefused(_("Single sign-on is not set up right. Ask an admin.")) from None
    return url, {"request_id": auth.get_last_request_id()}


METADATA_MAX_BYTES = 1_000_000


def idp_from_metadata(url: str) -> dict[str, str]:
    """The entity id, HTTP-Redirect sign-in URL and signing certificate an identity
    provider's metadata document publishes (python3-saml's parser); ValueError with a
    message when it cannot be read."""
    try:
        response = requests.get(url, timeout=10)
        response.raise_for_status()
    except requests.RequestException:
        raise ValueError(_("The metadata could not be downloaded.")) from None
    if len(response.content) > METADATA_MAX_BYTES:
        raise ValueError(_("The metadata could not be read."))
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(response.content)
    except Exception:  # the parser raises lxml's and its own errors alike
        raise ValueError(_("The metadata could not be read.")) from None
    idp = parsed.get("idp") or {}
    found = {
        "saml_entity_id": str(idp.get("entityId") or ""),
        "saml_sso_url": str((idp.get("singleSignOnService") or {}).get("url") or ""),
        "saml_certificate": str(idp.get("x509cert") or ""),
    }
    if not all(found.values()):
        raise ValueError(_("The metadata names no sign-in URL or certificate."))
    return found


def metadata(provider: IdentityProvider, request: HttpRequest) -> str:
    saml_settings = OneLogin_Saml2_Settings(
        settings_for(provider, request), sp_validation_only=True
    )
    document = saml_settings.get_sp_metadata()
    return document.decode() if isinstance(document, bytes) else str(document)


def finish(provider: IdentityProvider, request: HttpRequest, kept: dict[str, str]) -> Identity:
    """The identity the posted SAMLResponse vouches for, or SignInRefused."""
    request_id = kept.get("request_id", "")
    posted = request.POST.get("SAMLResponse", "")
    if not request_id:
        raise SignInRefused(_("This sign-in was not started here. Start again."))
    if not posted or len(posted) > MAX_RESPONSE_CHARS:
        raise SignInRefused(_("The identity provider's answer could not be verified."))
    try:
        auth = _auth(provider, request)
        auth.process_response(request_id=request_id)
    except (OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError, ValueError, TypeError):
        raise SignInRefused(_("The identity provider's answer could not be verified.")) from None
    if auth.get_errors() or not auth.is_authenticated():
        raise SignInRefused(_("The identity provider's answer could not be verified."))
    # python3-saml accepts a response without InResponseTo (IdP-initiated): not here.
    if auth.get_last_response_in_response_to() != request_id:
        raise SignInRefused(_("This sign-in was not started here. Start again."))
    _once(provider, auth)
    attributes = auth.get_attributes()
    email = _first(attributes, EMAIL_ATTRIBUTES) or auth.get_nameid() or ""
    return Identity(email=email, name=_first(attributes, NAME_ATTRIBUTES))


def _first(attributes: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for name in names:
        values = attributes.get(name) or []
        if values and values[0]:
            return str(values[0])
    return ""


def _once(provider: IdentityProvider, auth: OneLogin_Saml2_Auth) -> None:
    """Remember the assertion until it expires; one already seen is a replay."""
    assertion_id = auth.get_last_assertion_id() or ""
    expires = auth.get_last_assertion_not_on_or_after()
    now = timezone.now()
    until = (
        dt.datetime.fromtimestamp(expires, tz=dt.UTC) if expires else now + dt.timedelta(hours=1)
    )
    seen = SamlAssertionSeen.objects.for_account(provider.account)
    seen.filter(expires_at__lt=now - dt.timedelta(minutes=5)).delete()
    try:
        with transaction.atomic():
            seen.create(account=provider.account, assertion_id=assertion_id[:255], expires_at=until)
    except IntegrityError:
        raise SignInRefused(_("This answer was already used. Start again.")) from None
