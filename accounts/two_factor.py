"""Two-factor sign-in: an authenticator app (TOTP) and single-use recovery codes.

pyotp computes and checks the codes (RFC 6238), so no one-time-password arithmetic is
written here; segno draws the QR code as SVG, with no image library. Recovery codes are
kept as Django password hashes, as a password is. A TOTP code is accepted once: the
device remembers the 30-second step of the last code it took, and refuses that step
and earlier ones (a code seen over a shoulder, or sent twice, does not sign in again).
"""

from __future__ import annotations

import secrets

import pyotp
import segno
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.identity_models import AuditEntry, RecoveryCode, TotpDevice
from accounts.models import Account, User
from accounts.passkeys import has_passkey, passkeys_remove_all

RECOVERY_CODES = 10
# One step either side: a phone's clock a little off, or a code typed as it rolled over.
VALID_WINDOW = 1
ISSUER = "Sportello"


def _account(user: User) -> Account:
    if user.account is None:
        raise ValidationError(_("Unknown user."))
    return user.account


def device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.for_account(_account(user)).filter(user=user).first()


def has_two_factor(user: User) -> bool:
    """An authenticator app or a passkey: either is a second factor (and either meets
    the account's requirement for agents)."""
    return has_totp(user) or has_passkey(user)


def has_totp(user: User) -> bool:
    return (
        user.account_id is not None
        and TotpDevice.objects.for_account(_account(user))
        .filter(user=user, confirmed_at__isnull=False)
        .exists()
    )


def new_secret() -> str:
    """A secret for the user to add to their app. Nothing is stored until a code from
    the app confirms it (the set-up page keeps it in the session meanwhile)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=f"{ISSUER} ({_account(user).name})"
    )


def qr_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI, for an <img> (no markup built here)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#111")


def _matching_step(secret: str, code: str, *, after: int) -> int | None:
    """The 30-second step (later than ``after``) whose code ``code`` is, within the window."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for offset in range(-VALID_WINDOW, VALID_WINDOW + 1):
        step = totp.timecode(now) + offset
        if step > after and secrets.compare_digest(totp.generate_otp(step), code):
            return int(step)
    return None


def _accept(device: TotpDevice, code: str) -> bool:
    """The code is valid now and newer than the last accepted: remember its step."""
    step = _matching_step(device.secret, code, after=device.last_step)
    if step is None:
        return False
    # Conditional: of two requests with the same code, one wins.
    won = (
        TotpDevice.objects.for_account(device.account)
        .filter(pk=device.pk, last_step__lt=step)
        .update(last_step=step)
    )
    device.last_step = step
    return bool(won)


@transaction.atomic
def totp_enable(*, user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on with the secret the user added to their app and a code
    it shows (whose step is then spent); returns the recovery codes, shown this once."""
    if has_totp(user):
        raise ValidationError(_("Two-factor sign-in is already on."))
    step = _matching_step(secret, code, after=0)
    if step is None:
        raise ValidationError({"code": _("That code is not right. Type the current one.")})
    TotpDevice.objects.for_account(_account(user)).filter(user=user).delete()
    TotpDevice.objects.create(
        account=_account(user),
        user=user,
        secret=secret,
        confirmed_at=timezone.now(),
        last_step=step,
    )
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); the clear ones are returned once."""
    account = _account(user)
    codes = [_new_recovery_code() for _i in range(RECOVERY_CODES)]
    RecoveryCode.objects.for_account(account).filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(account=account, user=user, digest=make_password(_normal(code)))
        for code in codes
    )
    return codes


def _new_recovery_code() -> str:
    raw = secrets.token_hex(5)  # 40 bits, as "1a2b3-c4d5e"
    return f"{raw[:5]}-{raw[5:]}"


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def recovery_codes_left(user: User) -> int:
    return (
        RecoveryCode.objects.for_account(_account(user))
        .filter(user=user, used_at__isnull=True)
        .count()
    )


@transaction.atomic
def second_factor_verify(*, user: User, code: str) -> bool:
    """A code from the app, or an unused recovery code (then spent). False otherwise."""
    device = device_of(user)
    if device is None or device.confirmed_at is None:
        return False
    if _accept(device, code):
        return True
    wanted = _normal(code)
    if len(wanted) != 10:
        return False
    unused = RecoveryCode.objects.for_account(_account(user)).filter(user=user, used_at=None)
    for recovery in unused.select_for_update():
        if check_password(wanted, recovery.digest):
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            return True
    return False


@transaction.atomic
def totp_disable(*, user: User, password: str) -> None:
    """The user turns two-factor sign-in off, proving it is them with the password."""
    if not user.check_password(password):
        raise ValidationError({"password": _("That password is not right.")})
    _remove(user)


@transaction.atomic
def totp_reset(*, user: User, actor: User) -> None:
    """An admin removes a user's second factors, app and passkeys (a lost phone or key,
    no recovery codes left)."""
    account = _account(user)
    if not (actor.is_admin and actor.account_id == account.pk):
        raise PermissionDenied
    _remove(user)
    audit_record(
        account=account, actor=actor, action=AuditEntry.Action.TWO_FACTOR_RESET, target=user
    )
    passkeys_remove_all(user=user)


def _remove(user: User) -> None:
    account = _account(user)
    TotpDevice.objects.for_account(account).filter(user=user).delete()
    RecoveryCode.objects.for_account(account).filter(user=user).delete()
