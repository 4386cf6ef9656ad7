"""Form fields that choose among an account's own rows: agents, groups, organizations.
Shown by their per-account number, never by a primary key."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator

from accounts import compiled
from accounts.models import Account, User
from accounts.selectors import agents_for_account, groups_for_account


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices read by one plain query. Django's iterator reads them through
    ``QuerySet.iterator()``, a server-side cursor on PostgreSQL: DECLARE, FETCH and CLOSE,
    three round trips for an account's few dozen agents, on every ticket page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # rows: the same rows read once for the page (the ticket page's groups, shared
        # with the escalation panel); the queryset still validates what is posted.
        rows = getattr(self.field, "rows", None)
        for obj in self.queryset if rows is None else rows:
            yield self.choice(obj)


class AccountChoiceField(forms.ModelChoiceField):
    """A choice among an account's own rows (agents, groups, organizations)."""

    iterator = ListedChoiceIterator


class AgentChoiceIterator(ListedChoiceIterator):
    """An agent's choice prints their number and name: only those are read (a user row
    whole, for an account's 54 agents, was ~1.5 ms of the ticket page; issue 17)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # agent_field's: agents_for_account, compiled once per account and process
        # (accounts.compiled); any other queryset is read as it is.
        key = getattr(self.field, "compiled_key", None)
        agents = self.queryset.only("id", "number", "name")
        rows = agents if key is None else compiled.rows(User, key, lambda: agents)
        for obj in rows:
            yield self.choice(obj)


class AgentChoiceField(AccountChoiceField):
    iterator = AgentChoiceIterator

    def label_from_instance(self, obj: User) -> str:
        return obj.name  # not "Name <email>": the list is the account's own team


def agent_field(account: Account, *, label, empty_label=None) -> forms.ModelChoiceField:
    # Agents and groups appear by their per-account number, never by a primary key.
    field = AgentChoiceField(
        agents_for_account(account=account),
        to_field_name="number",
        required=False,
        label=label,
        empty_label=empty_label or "—",
    )
    field.compiled_key = ("agent_choices", account.pk)  # type: ignore[attr-defined]  # read by AgentChoiceIterator
    return field


def group_field(account: Account, *, label, rows=None) -> forms.ModelChoiceField:
    """``rows``: groups_for_account's rows already read, listed instead of reading them
    again (the choices only; a posted number is still looked up)."""
    field = AccountChoiceField(
        groups_for_account(account=account),
        to_field_name="number",
        required=False,
        label=label,
        empty_label="—",
    )
    field.rows = rows  # type: ignore[attr-defined]  # ListedChoiceIterator reads it
    return field
