"""Passkeys (WebAuthn): a second factor beside the authenticator app, and a way to sign
in without the password.

py_webauthn (duo-labs, the library behind most Python WebAuthn servers) checks the
ceremonies: the client data (type, challenge, origin), the relying party's id hash, the
user-presence flag, the attestation statement and the assertion's signature over the
authenticator data. Nothing of CBOR, COSE or the signatures is written here. We ask for no
attestation ("none"): a passkey proves possession of its key, not the maker of the device.

The relying party is the account's own host (``acme.example.com``): a passkey made for one
account is never offered, nor accepted, at another's. Each ceremony's challenge waits in
the session of the browser that asked for it and is spent by the first answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.identity_models import Passkey
from accounts.models import Account, User

MAX_PASSKEYS = 10
MAX_RESPONSE_CHARS = 20_000  # a registration with a long attestation is a few KB


@dataclass(frozen=True)
class RelyingParty:
    """Where a ceremony happens: the account's host, and the browser's origin for it."""

    account: Account
    origin: str  # scheme://host[:port] the browser is on (its Host is the account's)

    @property
    def rp_id(self) -> str:
        return self.account.host


def user_handle(user: User) -> bytes:
    """The opaque id the authenticator keeps for the user (no email, no row id)."""
    return salted_hmac(
        "sportello.passkey-user", f"{user.account_id}:{user.pk}", algorithm="sha256"
    ).digest()[:32]


def passkeys_of(user: User) -> list[Passkey]:
    if user.account is None:
        return []
    return list(Passkey.objects.for_account(user.account).filter(user=user).order_by("created_at"))


def has_passkey(user: User) -> bool:
    return (
        user.account is not None
        and Passkey.objects.for_account(user.account).filter(user=user).exists()
    )


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in known],
        )
        for p in passkeys
    ]


def registration_begin(*, user: User, rp: RelyingParty) -> tuple[str, str]:
    """(options as JSON for navigator.credentials.create, the challenge to keep)."""
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.account.name,
        user_id=user_handle(user),
        user_name=user.email,
        user_display_name=user.name or user.email,
        exclude_credentials=_descriptors(passkeys_of(user)),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


def _parsed(response: str) -> dict:
    if not response or len(response) > MAX_RESPONSE_CHARS:
        raise ValidationError(_("The passkey did not answer. Try again."))
    try:
        data = json.loads(response)
    except ValueError:
        raise ValidationError(_("The passkey did not answer. Try again.")) from None
    if not isinstance(data, dict):
        raise ValidationError(_("The passkey did not answer. Try again."))
    return data


@transaction.atomic
def passkey_register(
    *, user: User, rp: RelyingParty, name: str, response: str, challenge: str
) -> Passkey:
    """Keep the passkey the browser made for ``challenge`` (spent by the caller)."""
    if user.account_id != rp.account.pk:
        raise PermissionDenied
    name = name.strip()[:100] or _("Passkey")
    if len(passkeys_of(user)) >= MAX_PASSKEYS:
        raise ValidationError(_("You have %(n)s passkeys: remove one first.") % {"n": MAX_PASSKEYS})
    data = _parsed(response)
    try:
        verified = verify_registration_response(
            credential=data,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError):
        raise ValidationError(_("That passkey could not be added. Try again.")) from None
    credential_id = bytes_to_base64url(verified.credential_id)
    passkeys = Passkey.objects.for_account(rp.account)
    if passkeys.filter(credential_id=credential_id).exists():
        raise ValidationError(_("That passkey is already added."))
    transports = data.get("response", {}).get("transports") or []
    return passkeys.create(
        account=rp.account,
        user=user,
        name=name,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:8],
    )


def authentication_begin(*, rp: RelyingParty, user: User | None) -> tuple[str, str]:
    """Options for navigator.credentials.get: the user's passkeys as a second factor, or
    (no user yet) any passkey of this host the browser holds, for signing in with one."""
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        allow_credentials=_descriptors(passkeys_of(user)) if user is not None else None,
        user_verification=(
            UserVerificationRequirement.PREFERRED
            if user is not None
            else UserVerificationRequirement.REQUIRED
        ),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


@transaction.atomic
def passkey_verify(
    *, rp: RelyingParty, response: str, challenge: str, user: User | None
) -> User | None:
    """The user whose passkey signed ``challenge``: when ``user`` is given (the second
    step after the password) it must be one of theirs; without one (signing in with a
    passkey alone) the authenticator must have verified the person (PIN, fingerprint),
    and the passkey's stored user must match the user handle it returned. None otherwise."""
    try:
        data = _parsed(response)
        credential_id = str(data.get("id", ""))
    except ValidationError:
        return None
    passkeys = Passkey.objects.for_account(rp.account).select_related("user")
    if user is not None:
        passkeys = passkeys.filter(user=user)
    passkey = passkeys.select_for_update().filter(credential_id=credential_id).first()
    if passkey is None or not passkey.user.is_active:
        return None
    if user is None:
        handle = (data.get("response") or {}).get("userHandle")
        try:
            if not handle or base64url_to_bytes(handle) != user_handle(passkey.user):
                return None
        except (ValueError, TypeError):
            return None
    try:
        verified = verify_authentication_response(
            credential=data,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=user is None,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError):
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey.user


@transaction.atomic
def passkey_remove(*, user: User, credential_id: str, password: str) -> None:
    """The user removes one of their passkeys, proving it is them with the password."""
    if not user.check_password(password):
        raise ValidationError({"password": _("That password is not right.")})
    deleted, _rows = (
        Passkey.objects.for_account(user.account)
        .filter(user=user, credential_id=credential_id)
        .delete()
    )
    if not deleted:
        raise ValidationError(_("That passkey was already removed."))


def passkeys_remove_all(*, user: User) -> None:
    """An admin's reset of a user's second factors takes their passkeys too."""
    if user.account is not None:
        Passkey.objects.for_account(user.account).filter(user=user).delete()
