"""An account's tables: discovered from the models, ordered so that a row's foreign keys
point at rows already loaded."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Field, FileField, ForeignKey, Model

# Tables with an account that are not part of an account's data, and why. A new table
# with an account is exported unless it is named here (tests/operations/test_account_
# portability.py::test_every_account_table_is_exported_or_excluded_on_purpose).
EXCLUDED: dict[str, str] = {
    "accounts.ImportedRow": "the importing installation's own bookkeeping",
    # Second factors are secrets bound to this installation; after an import the users
    # sign in with their password and set up their app again (if the account requires it).
    "accounts.TotpDevice": "second factors stay with the installation that made them",
    "accounts.RecoveryCode": "second factors stay with the installation that made them",
    # A passkey is bound to the host it was made on (its relying party id).
    "accounts.Passkey": "second factors stay with the installation that made them",
    "accounts.UserSession": "sessions live in this installation's session store",
    # The provider's client secret is encrypted with this installation's key: configured
    # again after an import; the replay cache only matters where the assertions arrived.
    "accounts.IdentityProvider": "its secret is encrypted with this installation's key",
    "accounts.SamlAssertionSeen": "a replay cache of this installation",
    # A ticket's SLA clocks are derived from its events and the account's policies
    # (servicelevels/clocks.py:from_events); they are measured again from the ticket's
    # history at its next change.
    "servicelevels.SlaTarget": "derived from the ticket's events, measured again",
    "servicelevels.TicketSla": "derived from the ticket's events, measured again",
    # Outgoing webhook requests and their log: this installation's sending, like its
    # sessions (the webhooks themselves travel; docs/webhooks.md).
    "webhooks.WebhookCall": "this installation's outgoing requests, not the account's data",
    "webhooks.WebhookAttempt": "this installation's outgoing requests, not the account's data",
    "mailchannels.FetchedMessage": "a mailbox's per-UID fetch log; the channel keeps last_uid",
    # The reports' rollups count the tickets' history by group and agent keys of this
    # installation: rebuilt from the imported history once the import is done
    # (reports.receivers.on_account_imported).
    "reports.ReportDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportAgentDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportGroupDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportTicket": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportOrganizationDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportOrganizationAgentDay": (
        "derived from the tickets' history, rebuilt after an import"
    ),
    "reports.ReportTagDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportTagAgentDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportFieldValueDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportFieldValueAgentDay": (
        "derived from the tickets' history, rebuilt after an import"
    ),
    "reports.ReportAttributeDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportAttributeMonth": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportChannelAgentDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportPriorityAgentDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportTypeAgentDay": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportChannelAgentMonth": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportPriorityAgentMonth": (
        "derived from the tickets' history, rebuilt after an import"
    ),
    "reports.ReportTypeAgentMonth": "derived from the tickets' history, rebuilt after an import",
    "reports.ReportAgentMonth": "derived from the tickets' history, rebuilt after an import",
    # Summed from the SLA targets (not exported either): rebuilt after an import.
    "reports.ReportSlaDay": "derived from the SLA targets, rebuilt after an import",
    "reports.ReportSlaGroupDay": "derived from the SLA targets, rebuilt after an import",
    # Counted by the tickets' triggers (tickets/migrations/0023) as the imported tickets
    # are inserted: importing the counts too would count every tag twice.
    "tickets.TagCount": "counted by triggers as the imported tickets are inserted",
}

# Fields holding secrets: exported only when asked (--with-passwords), and otherwise
# replaced on import by a value that never matches.
SECRETS: dict[str, tuple[str, ...]] = {
    "accounts.User": ("password",),
    "api.ApiToken": ("digest",),
    # A webhook's signing secret and its endpoint's password, token or key: left out, the
    # import draws a random signing secret (revealed to the admins in its settings) and an
    # unusable credential, to be entered again (webhooks arrive inactive: ON_IMPORT).
    "webhooks.Webhook": ("signing_secret", "auth_secret"),
    "mailchannels.MailboxChannel": ("password_encrypted",),
    # Writing help's AI server key (issue 28), encrypted with this installation's key.
    "assist.AssistSettings": ("api_key_encrypted",),
}


# JSON columns that name the account's rows by PRIMARY KEY, which an import must
# translate to the new keys (foreign keys in JSON, in effect). One shape so far, Zendesk's
# conditions (tickets/conditions.py): ``{"all"|"any": [{"field", "operator", "value"}]}``,
# where the field says which table an integer value is a key of (FIELDS, kinds group, user,
# organization, custom_status; tests/operations keeps the two in step). Other values
# ("current_user", none, tags, dates) are no keys. JSON naming rows by per-account numbers
# (macro actions) travels as it is, like the numbers themselves.
# column → {condition field → target}.
_CONDITION_KEYS = {
    "group_id": "accounts.AgentGroup",
    "assignee_id": "accounts.User",
    "requester_id": "accounts.User",
    "organization_id": "accounts.Organization",
    "custom_status_id": "tickets.CustomStatus",
    "requester_organization_id": "accounts.Organization",
}
JSON_KEYS: dict[str, dict[str, dict[str, str]]] = {
    "tickets.View": {"conditions": _CONDITION_KEYS},
    # Automations speak the views' conditions (issue 20); their actions name numbers.
    "automations.Automation": {"conditions": _CONDITION_KEYS},
    # So do SLA policies (issue 20).
    "servicelevels.SlaPolicy": {"conditions": _CONDITION_KEYS},
}
CONDITION_PARTS = ("all", "any")


def json_key_targets(model: type[Model]) -> set[str]:
    """The tables ``model``'s JSON columns name rows of by key (see JSON_KEYS)."""
    return {
        target
        for fields in JSON_KEYS.get(model._meta.label, {}).values()
        for target in fields.values()
    }


def remap_json_keys(
    model: type[Model], values: dict[str, Any], translate: Callable[[str, int], Any]
) -> None:
    """Pass every key JSON_KEYS declares in ``values`` (a row's columns by attname)
    through ``translate(target label, key)``, in place; the JSON is copied, not shared."""
    for column, targets in JSON_KEYS.get(model._meta.label, {}).items():
        data = values.get(column)
        if not isinstance(data, dict):
            continue
        data = {k: list(v) if isinstance(v, list) else v for k, v in data.items()}
        for part in CONDITION_PARTS:
            items = data.get(part)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                field, value = item.get("field"), item.get("value")
                target = targets.get(field) if isinstance(field, str) else None
                if target and isinstance(value, int) and not isinstance(value, bool):
                    items[index] = {**item, "value": translate(target, value)}
        values[column] = data


class Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times to the microsecond (it cuts them to milliseconds):
    a round trip gives back the very values."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _has_account(model: type[Model]) -> bool:
    return any(f.name == "account" and f.many_to_one for f in model._meta.concrete_fields)


def account_models() -> list[type[Model]]:
    """Every concrete model with an ``account`` (TenantModels and users), excluded ones
    left out, in load order: a model comes after those its foreign keys (and the keys in
    its JSON, JSON_KEYS) point at."""
    found = {
        model._meta.label: model
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and _has_account(model)
    }
    for label in EXCLUDED:
        found.pop(label, None)
    ordered: list[type[Model]] = []
    visiting: set[str] = set()

    def visit(label: str) -> None:
        if label in visiting:
            raise RuntimeError(f"foreign keys between account tables form a cycle at {label}")
        if any(m._meta.label == label for m in ordered):
            return
        visiting.add(label)
        # Keys in JSON too: the rows a view's conditions name are loaded before it.
        targets = [*foreign_keys(found[label]).values(), *json_key_targets(found[label])]
        for target in targets:
            if target in found and target != label:
                visit(target)
        visiting.discard(label)
        ordered.append(found[label])

    for label in sorted(found):
        visit(label)
    return ordered


def foreign_keys(model: type[Model]) -> dict[str, str]:
    """attname → target model label, for the foreign keys other than the account."""
    return {
        f.attname: f.related_model._meta.label
        for f in model._meta.concrete_fields
        if isinstance(f, ForeignKey) and f.name != "account"
    }


def stored_fields(model: type[Model]) -> list[Field[Any, Any]]:
    """The columns an export carries: all but the id, the account and generated ones."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != "account" and not getattr(f, "generated", False)
    ]


def file_fields(model: type[Model]) -> list[str]:
    return [f.attname for f in stored_fields(model) if isinstance(f, FileField)]


def row_to_json(obj: Model, *, with_secrets: bool) -> str:
    secret = SECRETS.get(obj._meta.label, ())
    fields = {
        f.attname: (None if f.attname in secret and not with_secrets else f.value_from_object(obj))
        for f in stored_fields(type(obj))
    }
    for name in file_fields(type(obj)):
        stored = fields[name]
        fields[name] = stored.name if stored else ""
    return json.dumps({"id": obj.pk, "fields": fields}, cls=Encoder, sort_keys=True)


def auto_now_fields(model: type[Model]) -> list[str]:
    """Fields Django sets to now on save (and bulk_create): an import writes them back."""
    return [
        f.attname
        for f in stored_fields(model)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]


def row_from_json(model: type[Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Field values back in Python (dates parsed); secrets left out get a value that
    matches nothing."""
    values: dict[str, Any] = {}
    by_attname = {f.attname: f for f in stored_fields(model)}
    for attname, raw in fields.items():
        field = by_attname.get(attname)
        if field is None:
            continue  # a column the archive's release had and this one has not
        if raw is not None and field.get_internal_type() == "DateTimeField":
            values[attname] = dt.datetime.fromisoformat(raw)
        elif raw is not None and field.get_internal_type() == "DateField":
            values[attname] = dt.date.fromisoformat(raw)
        else:
            values[attname] = raw
    for attname in SECRETS.get(model._meta.label, ()):
        if values.get(attname) is None:
            values[attname] = make_password(None)
    return values
