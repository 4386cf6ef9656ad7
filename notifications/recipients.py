"""Who may receive an email about a ticket. The seeds' rules live here, once, and hold
whatever a trigger or a forward asks for:

- an end user (or any address that is not an agent of the account) is never emailed
  about a private ticket, nor about an internal note: triggers are evaluated for them
  on the change set's public part (``public_part``: the change without its internal
  note), so a note alone tells them nothing, while a status change made in the same
  submit still reaches them (without the note's text: they get public comments only);
- inactive users get nothing;
- only agents may see internal notes in a conversation (decided by the selectors).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from accounts.models import Account, User, UserManager
from tickets.events import TicketChange
from tickets.models import Ticket


@dataclass(frozen=True)
class Recipient:
    email: str
    user: User | None = None

    @property
    def is_agent(self) -> bool:
        return self.user is not None and self.user.is_agent

    @property
    def key(self) -> str:
        return self.email.lower()


def recipient_for_user(user: User) -> Recipient:
    return Recipient(email=user.email, user=user)


def recipient_for_address(*, account: Account, email: str) -> Recipient:
    """An address is treated as the account's user who owns it, if any: an agent's
    address gets what an agent gets, anyone else what an end user gets."""
    email = UserManager.normalize_email(email)
    user = User.objects.for_account(account).filter(email=email).first()
    return Recipient(email=email, user=user)


def public_part(change: TicketChange) -> TicketChange | None:
    """What a change set shows to people who may not read internal notes: the same
    change without its internal note (and its @mentions), or None when nothing else
    happened (a note alone)."""
    comment = change.comment
    if comment is None or comment.public:
        return change
    if not (change.created or change.became_public or change.changes):
        return None
    return replace(change, comment=None, mentioned=[])


def may_receive(*, recipient: Recipient, ticket: Ticket, change: TicketChange | None) -> bool:
    """The one gate every outgoing email about a ticket passes. ``change`` is what the
    recipient is told about: for anyone but an agent, a change set's ``public_part``."""
    user = recipient.user
    if user is not None and (not user.is_active or user.account_id != ticket.account_id):
        return False
    if not recipient.email:
        return False
    if recipient.is_agent:
        return True
    if ticket.is_private:
        return False
    return not (change is not None and change.comment is not None and not change.comment.public)
