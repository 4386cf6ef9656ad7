"""Our email addresses and thread ids: per-ticket reply addresses signed with an HMAC,
the support address of each account, and the stable Message-ID root of a ticket."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import formataddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import Account
from accounts.selectors import account_for_subdomain
from tickets.models import Ticket

SUPPORT_LOCAL_PART = "support"
_REPLY_LOCAL = re.compile(r"^reply\+(\d{1,18})-([0-9a-f]{24})$")
_THREAD_ID = re.compile(r"^<?ticket\.(\d{1,18})\.([0-9a-f]{16})@([^>\s]+)>?$")


def account_mail_domain(account: Account) -> str:
    return f"{account.subdomain}.{settings.BASE_DOMAIN}"


def support_address(account: Account) -> str:
    return f"{SUPPORT_LOCAL_PART}@{account_mail_domain(account)}"


# Other apps answer "which address does this ticket's mail go out from?" (mailchannels:
# the support address the ticket came in on) and "is this one of our addresses?".
_sender_hooks: list[Callable[[Ticket], str | None]] = []
_own_address_hooks: list[Callable[[str], bool]] = []


def register_sender_hook(hook: Callable[[Ticket], str | None]) -> None:
    if hook not in _sender_hooks:
        _sender_hooks.append(hook)


def register_own_address_hook(hook: Callable[[str], bool]) -> None:
    if hook not in _own_address_hooks:
        _own_address_hooks.append(hook)


def from_address(account: Account, ticket: Ticket | None = None) -> str:
    """The From of every email the account sends: the one place it is decided. A
    ticket's mail goes out from the support address it came in on (a hook), else from
    the platform's verified sender shown with the account's name; replies go to the
    per-ticket Reply-To address either way."""
    if ticket is not None:
        for hook in _sender_hooks:
            found = hook(ticket)
            if found:
                return found
    return formataddr((account.name, settings.DEFAULT_FROM_EMAIL))


def _sign(kind: str, account_id: int, number: int, secret: str, length: int) -> str:
    value = f"{account_id}:{number}:{secret}"
    return salted_hmac(f"notifications.{kind}", value, algorithm="sha256").hexdigest()[:length]


def reply_token(ticket: Ticket) -> str:
    return _sign("reply", ticket.account_id, ticket.number, ticket.reply_token, 24)


def reply_address(ticket: Ticket) -> str:
    """reply+<number>-<token>@<subdomain>.<BASE_DOMAIN>: unguessable without SECRET_KEY
    and the ticket's own secret, so knowing a ticket number is not enough to post."""
    return f"reply+{ticket.number}-{reply_token(ticket)}@{account_mail_domain(ticket.account)}"


def ticket_for_reply_local_part(account: Account, local_part: str) -> Ticket | None:
    match = _REPLY_LOCAL.match(local_part.lower())
    if not match:
        return None
    ticket = Ticket.objects.for_account(account).filter(number=int(match.group(1))).first()
    if ticket is None or not constant_time_compare(reply_token(ticket), match.group(2)):
        return None
    return ticket


def thread_id(ticket: Ticket) -> str:
    """The Message-ID every email of the ticket refers to (In-Reply-To / References)."""
    sig = _sign("thread", ticket.account_id, ticket.number, ticket.reply_token, 16)
    return f"<ticket.{ticket.number}.{sig}@{account_mail_domain(ticket.account)}>"


def ticket_for_thread_id(account: Account, message_id: str) -> Ticket | None:
    match = _THREAD_ID.match(message_id.strip())
    if not match or match.group(3).lower() != account_mail_domain(account):
        return None
    ticket = Ticket.objects.for_account(account).filter(number=int(match.group(1))).first()
    if ticket is None or not constant_time_compare(
        thread_id(ticket), f"<{message_id.strip('<>')}>"
    ):
        return None
    return ticket


def account_for_address(address: str) -> tuple[Account | None, str]:
    """(account, local part) of one of our inbound addresses, or (None, "").
    Only support@ and reply+…@ on an account's mail domain are ours."""
    local, _, domain = (address or "").strip().lower().rpartition("@")
    base = settings.BASE_DOMAIN
    if not local or not domain.endswith("." + base):
        return None, ""
    subdomain = domain[: -len(base) - 1]
    if "." in subdomain:
        return None, ""
    if local != SUPPORT_LOCAL_PART and not local.startswith("reply+"):
        return None, ""
    account = account_for_subdomain(subdomain)
    return account, local if account else ""


def is_own_address(address: str) -> bool:
    """Mail from one of our own addresses is a loop, never a customer."""
    address = (address or "").strip().lower()
    if not address:
        return False
    if address == settings.DEFAULT_FROM_EMAIL.lower():
        return True
    domain = address.rpartition("@")[2]
    base = settings.BASE_DOMAIN
    if domain == base or domain.endswith("." + base):
        return True
    return any(hook(address) for hook in _own_address_hooks)


def is_own_message_id(message_id: str) -> bool:
    domain = (message_id or "").strip().strip("<>").rpartition("@")[2].lower()
    base = settings.BASE_DOMAIN
    return bool(domain) and (domain == base or domain.endswith("." + base))
