# ruff: noqa: E501  (a SAML Response written out as an IdP sends it)
"""A SAML identity provider for tests: a throwaway RSA key and self-signed certificate
(cryptography), and Responses built as an IdP builds them, their assertion signed with
xmlsec through python3-saml's signing helper (RSA-SHA256, enveloped, exclusive c14n)."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from tests.certs import self_signed

ENTITY_ID = "https://idp.example.test/saml"
SSO_URL = "https://idp.example.test/saml/sso"


def _key_and_cert() -> tuple[str, str]:
    return self_signed("Test IdP", rsa_key=True, days=30)


def _instant(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class SigningIdp:
    key_and_cert: tuple[str, str] = field(default_factory=_key_and_cert)
    entity_id: str = ENTITY_ID

    @property
    def certificate(self) -> str:
        return self.key_and_cert[1]

    @staticmethod
    def request_id(redirect_url: str) -> str:
        """The AuthnRequest's ID, read from the HTTP-Redirect binding as the IdP reads it."""
        assert redirect_url.startswith(SSO_URL), redirect_url
        encoded = parse_qs(urlsplit(redirect_url).query)["SAMLRequest"][0]
        request = etree.fromstring(OneLogin_Saml2_Utils.decode_base64_and_inflate(encoded))
        return request.get("ID")

    def response(
        self,
        *,
        acs: str,
        audience: str,
        in_response_to: str | None,
        email: str = "sam@acme.example",
        name: str = "Sam Single",
        issuer: str | None = None,
        signed: bool = True,
    ) -> str:
        """A base64 SAMLResponse, as the IdP's page posts it."""
        now = dt.datetime.now(dt.UTC)
        later = _instant(now + dt.timedelta(minutes=5))
        issuer = issuer or self.entity_id
        answer_to = f' InResponseTo="{in_response_to}"' if in_response_to else ""
        assertion = f"""<saml:Assertion xmlns:saml="{C.NS_SAML}" ID="_{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}">
<saml:Issuer>{issuer}</saml:Issuer>
<saml:Subject><saml:NameID Format="{C.NAMEID_EMAIL_ADDRESS}">{email}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{acs}"{answer_to}/></saml:SubjectConfirmation></saml:Subject>
<saml:Conditions NotBefore="{_instant(now - dt.timedelta(minutes=1))}" NotOnOrAfter="{later}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_instant(now)}" SessionIndex="_{secrets.token_hex(8)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="name"><saml:AttributeValue>{name}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>
</saml:Assertion>"""
        if signed:
            key, cert = self.key_and_cert
            assertion = OneLogin_Saml2_Utils.add_sign(
                assertion,
                key,
                cert,
                sign_algorithm=C.RSA_SHA256,
                digest_algorithm=C.SHA256,
            ).decode()
        assertion = assertion.removeprefix('<?xml version="1.0"?>').strip()
        response = f"""<samlp:Response xmlns:samlp="{C.NS_SAMLP}" xmlns:saml="{C.NS_SAML}" ID="_{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_instant(now)}" Destination="{acs}"{answer_to}>
<saml:Issuer>{issuer}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="{C.STATUS_SUCCESS}"/></samlp:Status>
{assertion}
</samlp:Response>"""
        return base64.b64encode(response.encode()).decode()
