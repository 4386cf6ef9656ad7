"""Inbound email: from an ESP's webhook (anymail's ``inbound`` signal) to a comment or a
new ticket, through the same ticket services as the UI.

Order of decisions, each one logged:
1. the account, from OUR recipient address (support@ or reply+…@<sub>.<BASE_DOMAIN>),
   never from anything else in the payload;
2. loops and auto-replies are dropped (RFC 3834 headers, bounces, our own mail, bursts);
3. the ticket: the HMAC reply address first, then In-Reply-To/References within the
   account; a thread match is not authorisation: the sender must be one who may post
   there (tickets.selectors.ticket_takes_posts_from, the rule of every channel),
   otherwise the mail opens a new ticket;
4. a comment (public from end users; the service makes it internal on a private ticket;
   agents' emailed replies are internal notes, as a forged agent From must never reach
   customers, except an agent's on a ticket where they are the requester or a CC and
   not the assignee: tickets.reply_roles) or a new public ticket with channel "email".
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.dbsession import account_context
from accounts.models import Account, User
from accounts.services import user_get_or_create
from notifications import addresses
from notifications.emails import REPLY_MARKER
from notifications.models import Delivery, InboundEmail
from tickets import attachments as attachment_rules
from tickets.models import Channel, Ticket
from tickets.reply_roles import emailed_reply_is_public
from tickets.selectors import ticket_takes_posts_from
from tickets.services import NotAllowed, ticket_add_ccs, ticket_create, ticket_reply
from tickets.text import clean_subject, html_to_text, normalise_newlines

logger = logging.getLogger(__name__)

BURST_LIMIT = 5
BURST_WINDOW = dt.timedelta(minutes=10)
MAX_CCS_ADDED = 20
MAX_ADDRESSES_READ = 200
_MSGID = re.compile(r"<[^<>\s]{1,250}>")
_QUOTE_HEADERS = [
    re.compile(p, re.I)
    for p in (
        r"^\s*On\b.{0,200}\bwrote:\s*$",
        r"^\s*Il giorno\b.{0,200}\bha scritto:\s*$",
        r"^\s*El\b.{0,200}\bescribió:\s*$",
        r"^\s*Le\b.{0,200}\ba écrit\s*:\s*$",
        r"^\s*Am\b.{0,200}\bschrieb\b.{0,100}:\s*$",
        r"^\s*-{2,}\s*(Original Message|Messaggio originale|Mensaje original)\s*-{2,}\s*$",
        r"^\s*_{10,}\s*$",
        r"^\s*From:\s.+$",
        r"^\s*Da:\s.+$",
        r"^\s*De:\s.+$",
    )
]


# Other apps see each routed mail first (mailchannels: a support address's forwarding
# confirmation coming back); a hook answering a reason takes the mail, logged as dropped.
_receive_hooks: list[Callable[[Account, Any], str]] = []


def register_receive_hook(hook: Callable[[Account, Any], str]) -> None:
    if hook not in _receive_hooks:
        _receive_hooks.append(hook)


# ... and each mail that opened a ticket, in its transaction (mailchannels: the support
# address it came in on, and that address's default group).
_received_hooks: list[Callable[[Account, Any, InboundResult], None]] = []
# The mail being received, while it is (read by outgoing mail's From: mailchannels).
_current_message: ContextVar[Any] = ContextVar("inbound_message", default=None)


def register_received_hook(hook: Callable[[Account, Any, InboundResult], None]) -> None:
    if hook not in _received_hooks:
        _received_hooks.append(hook)


def current_message() -> Any:
    return _current_message.get()


@dataclass(frozen=True)
class InboundResult:
    outcome: str
    reason: str = ""
    ticket: Ticket | None = None


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything above our reply marker, a quote header
    ("On … wrote:", Italian and Spanish ones too) or a trailing block of "> " lines."""
    text = normalise_newlines(text)
    if REPLY_MARKER in text:
        text = text.split(REPLY_MARKER, 1)[0]
    lines = text.split("\n")
    for i, line in enumerate(lines):
        joined = line + " " + lines[i + 1] if i + 1 < len(lines) else line
        if i > 0 and any(p.match(line) for p in _QUOTE_HEADERS):
            lines = lines[:i]
            break
        # Clients wrap "On <date>, <name> <address>\nwrote:" over two lines.
        if i > 0 and line.strip().startswith("On ") and _QUOTE_HEADERS[0].match(joined):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


def _text(value) -> str:
    """A value read from the mail, without NUL characters: PostgreSQL cannot store them,
    and an email is never refused for one (every read of the mail's text goes through
    here; attachment names are cleaned by the attachment rules)."""
    return str(value or "").replace("\x00", "")


def _header(message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header reads as absent
        return ""
    return _text(value).strip()


def _addresses(message, *headers: str) -> list[str]:
    found = []
    for header in headers:
        try:
            parsed = message.get_address_header(header)
        except Exception:  # noqa: BLE001 - a malformed header reads as absent
            logger.info("Inbound email: unreadable %s header ignored", header)
            continue
        for address in parsed[:MAX_ADDRESSES_READ]:
            spec = _text(address.addr_spec).strip().lower()
            if spec and spec not in found:
                found.append(spec)
    return found


def _resolve_account(message) -> tuple[Account | None, str]:
    candidates = []
    if getattr(message, "envelope_recipient", None):
        candidates.append(_text(message.envelope_recipient))
    candidates += _addresses(message, "To", "Cc", "Delivered-To")
    for candidate in candidates:
        account, local = addresses.account_for_address(candidate)
        if account is not None:
            return account, local
    return None, ""


def loop_reason(message, sender: str) -> str:
    """Why this mail must not become a comment (auto-reply, bounce, list, loop), or ""."""
    auto = _header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto[:40]}"
    precedence = _header(message, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Loop", "List-Id"):
        if _header(message, name):
            return f"{name} header"
    if "all" in _header(message, "X-Auto-Response-Suppress").lower():
        return "X-Auto-Response-Suppress: All"
    envelope = getattr(message, "envelope_sender", None)
    if envelope is not None and envelope.strip("<> ") == "":
        return "empty Return-Path (bounce)"
    local = sender.partition("@")[0]
    if local in ("mailer-daemon", "postmaster"):
        return f"{local} sender"
    if addresses.is_own_address(sender):
        return "sent from our own address"
    if addresses.is_own_message_id(_header(message, "Message-ID")):
        return "our own Message-ID"
    return ""


def _thread_ticket(account: Account, message) -> Ticket | None:
    ids = _MSGID.findall(_header(message, "In-Reply-To") + " " + _header(message, "References"))
    for message_id in reversed(ids[-50:]):
        ticket = addresses.ticket_for_thread_id(account, message_id)
        if ticket is not None:
            return ticket
        delivery = (
            Delivery.objects.for_account(account)
            .filter(message_id=message_id, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if delivery is not None:
            return delivery.ticket
        seen = (
            InboundEmail.objects.for_account(account)
            .filter(message_id=message_id, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if seen is not None:
            return seen.ticket
    return None


def _body(message) -> str:
    stripped = getattr(message, "stripped_text", None)
    text = _text(stripped if stripped else message.text)
    if not text.strip() and message.html:
        text = _html_reply_text(_text(message.html))
    return strip_quoted(text)


_DIV_END = re.compile(r"</(div|h[1-6]|tr|table)>", re.I)


def _html_reply_text(value: str) -> str:
    """Text of an HTML-only mail without what it quotes: mail clients put earlier
    messages in <blockquote>, dropped here with their content; divs end lines."""
    value = nh3.clean(
        _DIV_END.sub("<br>", value or ""),
        tags={"p", "br", "li", "pre"},
        attributes={},
        clean_content_tags={"blockquote", "script", "style", "head", "title"},
    )
    return html_to_text(value)


def _uploads(account: Account, message) -> list:
    """Attachments within the account's limits; refused ones are logged and skipped."""
    kept: list[Any] = []
    for part in list(message.attachments)[:100]:
        try:
            upload = part.as_uploaded_file()
        except Exception:  # noqa: BLE001 - an undecodable part is skipped
            logger.info("Inbound attachment could not be decoded; skipped")
            continue
        if len(kept) >= account.max_attachments_per_message:
            logger.info("Inbound attachment %r over the per-message limit; skipped", upload.name)
            continue
        try:
            attachment_rules.validate_uploads(account=account, files=[upload])
        except ValidationError as exc:
            logger.info("Inbound attachment %r refused: %s", upload.name, exc.messages)
            continue
        kept.append(upload)
    return kept


def _record(account, message_id, sender, subject, outcome, reason="", ticket=None):
    InboundEmail.objects.create(
        account=account,
        message_id=message_id[:255],
        sender=sender[:254],
        subject=subject[:255],
        outcome=outcome,
        reason=reason[:200],
        ticket=ticket,
    )
    return InboundResult(outcome, reason, ticket)


@dataclass(frozen=True)
class _Seen:
    """What the account's log already holds about this mail and its sender, read once."""

    duplicate: bool
    new_tickets: int  # the sender's recent mails that opened a ticket
    on_ticket: int  # the sender's recent mails on the matched ticket

    def burst(self, ticket: Ticket | None) -> bool:
        return (self.on_ticket if ticket is not None else self.new_tickets) >= BURST_LIMIT


def _seen(account: Account, message_id: str, sender: str, ticket: Ticket | None) -> _Seen:
    """The duplicate check and both burst counts in one query (indexes inbound_acct_msgid
    and inbound_burst); dropped mails count for neither."""
    recent = Q(sender=sender, created_at__gte=timezone.now() - BURST_WINDOW)
    rows = recent
    counts = {"new_tickets": Count("pk", filter=recent & Q(outcome=InboundEmail.Outcome.TICKET))}
    if ticket is not None:
        counts["on_ticket"] = Count("pk", filter=recent & Q(ticket=ticket))
    if message_id:
        rows |= Q(message_id=message_id)
        counts["duplicate"] = Count("pk", filter=Q(message_id=message_id))
    found = (
        InboundEmail.objects.for_account(account)
        .filter(rows)
        .exclude(outcome=InboundEmail.Outcome.DROPPED)
        .aggregate(**counts)
    )
    return _Seen(found.get("duplicate", 0) > 0, found["new_tickets"], found.get("on_ticket", 0))


def _copied_users(account: Account, sender_user: User, message) -> list[User]:
    """People the sender copied become CCs only when they are already users of the
    account (never mass-subscribe strangers), at most MAX_CCS_ADDED of them."""
    wanted = [
        a
        for a in _addresses(message, "To", "Cc")
        if a != sender_user.email and not addresses.is_own_address(a)
    ][:MAX_CCS_ADDED]
    if not wanted:
        return []
    return list(User.objects.for_account(account).filter(email__in=wanted, is_active=True))


# No savepoint of its own: the webhook view's transaction holds it, and whatever escapes
# from here rolls that back whole (Signal.send lets it through).
@transaction.atomic(savepoint=False)
def email_receive(
    *,
    message,
    esp_name: str = "",
    event_id: str | None = None,
    account: Account | None = None,
) -> InboundResult:
    """Turn one inbound email into a comment, a ticket, or a logged drop.

    ``account``: a mailbox the account connected (mailchannels) — the mail is the
    account's whatever it is addressed to; our reply+ address still names the ticket."""
    if account is None:
        account, local = _resolve_account(message)
    else:
        resolved, local = _resolve_account(message)
        local = local if resolved is not None and resolved.pk == account.pk else ""
    if account is None:
        logger.warning("Inbound email (%s) for none of our addresses; dropped", esp_name)
        return InboundResult(InboundEmail.Outcome.DROPPED, "no account for the recipient")
    # Routed: from here on the database shows this account's rows only (row-level security).
    token = _current_message.set(message)
    try:
        with account_context(account):
            result = _receive_for_account(account, local, message)
            if result.outcome == InboundEmail.Outcome.TICKET and result.ticket is not None:
                for hook in _received_hooks:
                    hook(account, message, result)
            return result
    finally:
        _current_message.reset(token)


def _receive_for_account(account: Account, local: str, message) -> InboundResult:
    try:
        from_address = message.from_email
    except Exception:  # noqa: BLE001 - an unparseable From is no sender
        from_address = None
    sender = _text(from_address.addr_spec if from_address else "").strip().lower()
    message_id = _header(message, "Message-ID")[:255]
    subject = clean_subject(_text(message.subject), max_length=255)
    for hook in _receive_hooks:
        taken = hook(account, message)
        if taken:
            return _record(account, message_id, sender[:254], subject, "dropped", taken)
    if not sender or "@" not in sender:
        logger.info("Inbound email without a sender for %s; dropped", account.subdomain)
        return _record(account, message_id, "", subject, "dropped", "no sender")
    reason = loop_reason(message, sender)
    if not reason and getattr(message, "spam_detected", None):
        reason = "the provider flagged it as spam"
    if reason:
        logger.info("Inbound email for %s dropped: %s", account.subdomain, reason)
        return _record(account, message_id, sender, subject, "dropped", reason)
    ticket = addresses.ticket_for_reply_local_part(account, local) or _thread_ticket(
        account, message
    )
    seen = _seen(account, message_id, sender, ticket)
    if seen.duplicate:
        logger.info("Inbound email %s already processed; ignored", message_id)
        return InboundResult(InboundEmail.Outcome.DROPPED, "duplicate")
    user, created = user_get_or_create(
        account=account, email=sender, name=_text(from_address.display_name)[:150]
    )
    if created:
        logger.info("Inbound email: new end user %s in %s", user.pk, account.subdomain)
    if not user.is_active:
        return _record(account, message_id, sender, subject, "dropped", "inactive user")
    if ticket is not None and not ticket_takes_posts_from(ticket=ticket, author=user):
        logger.info(
            "Inbound email from user %s matched ticket %s but may not post there; new ticket",
            user.pk,
            ticket.number,
        )
        ticket = None
    if seen.burst(ticket):
        logger.warning("Inbound email burst from user %s; dropped", user.pk)
        return _record(account, message_id, sender, subject, "dropped", "burst", ticket)

    try:
        return _post(account, ticket, user, message, message_id, sender, subject)
    except ValidationError as exc:
        # The domain refused it (a rule, not a bug): keep a trace, never fail the webhook.
        logger.info("Inbound email from user %s refused: %s", user.pk, exc.messages)
        reason = "; ".join(exc.messages)[:200]
        return _record(account, message_id, sender, subject, "dropped", reason, ticket)


def _post(account, ticket, user, message, message_id, sender, subject) -> InboundResult:
    """The mail as a comment on its ticket, else as a new public email ticket."""
    body = _body(message) or "(This email had no text.)"
    uploads = _uploads(account, message)
    ccs = _copied_users(account, user, message)
    if ticket is not None:
        try:
            ticket_reply(
                ticket=ticket,
                author=user,
                body=body,
                public=emailed_reply_is_public(ticket=ticket, author=user),
                channel=Channel.EMAIL,
                ccs=ccs,
                uploads=uploads,
            )
        except NotAllowed:
            ticket = None  # a closed request: the reply opens a new one
        else:
            return _record(account, message_id, sender, subject, "comment", "", ticket)
    ticket = ticket_create(
        account=account,
        submitter=user,
        subject=subject or "(no subject)",
        body=body,
        public=True,
        channel=Channel.EMAIL,
        uploads=uploads,
    )
    if ccs:
        ticket_add_ccs(ticket=ticket, actor=user, users=ccs, channel=Channel.EMAIL)
    return _record(account, message_id, sender, subject, "ticket", "", ticket)
