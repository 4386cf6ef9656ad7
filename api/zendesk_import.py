"""A Zendesk export brought into an account (``manage.py import_zendesk``).

The export is a folder of JSON lines, as the incremental exports give them (one record a
line, or one export page a line: ``{"users": [...], ...}``):

    organizations.jsonl   users.jsonl   tickets.jsonl   ticket_comments.jsonl
    attachments/<attachment id>/<file name>     (or attachments/<attachment id>)

A comment line is Zendesk's comment with its ``ticket_id``. Records load in that order
(organizations, users, tickets with their comments), each in its own transaction together
with its row in accounts.ImportedRow (source, kind, Zendesk id → our id): a rerun skips
what is mapped, so the import is idempotent, and one that was killed carries on from the
first record without a mapping. A user or organization already in the account (same
email, same name) is mapped, not made twice. Tickets go through the ticket import
(tickets.services.imports): their times and authors kept, no trigger, nothing sent. A
record refused (bad data) is reported and left unmapped, so a rerun tries it again."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime

from accounts.import_mapping import ImportedRow
from accounts.models import Account, Organization, User
from accounts.services import organization_create, user_create
from api.serializers.output import TYPE_FROM_ZENDESK
from tickets.models import Ticket
from tickets.services import attachment_upload
from tickets.services.imports import ImportedComment, ticket_import

logger = logging.getLogger(__name__)

ROLES = {"end-user": User.Role.END_USER, "agent": User.Role.AGENT, "admin": User.Role.ADMIN}
STATUSES = set(Ticket.Status.values)
PRIORITIES = set(Ticket.Priority.values)


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    matched: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    failed: list[str] = field(default_factory=list)


def records(path: Path, key: str) -> Iterator[dict]:
    """Each record of a JSON lines file: a line is a record, or a page holding ``key``."""
    if not path.exists():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}, line {number}: not JSON ({exc.msg})") from exc
            items = value.get(key) if isinstance(value, dict) and key in value else [value]
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict) and item.get("id") is not None:
                    yield item


def _time(value):
    return parse_datetime(value) if isinstance(value, str) and value else None


class ZendeskImport:
    def __init__(self, *, account: Account, root: Path, source: str = "zendesk"):
        self.account, self.root, self.source = account, root, source[:36]
        self.report = Report()

    # --- the mapping ------------------------------------------------------------------

    def _mapped(self, kind: str) -> dict[int, int]:
        rows = ImportedRow.objects.filter(
            account=self.account, export_id=self.source, model=f"zendesk.{kind}"
        )
        return dict(rows.values_list("old_id", "new_id"))

    def _map(self, kind: str, old_id: int, new_id: int) -> None:
        ImportedRow.objects.create(
            account=self.account,
            export_id=self.source,
            model=f"zendesk.{kind}",
            old_id=old_id,
            new_id=new_id,
        )

    def _each(self, kind: str, items: Iterator[dict], load: Callable[[dict], tuple[int, bool]]):
        """``load(record) → (our id, made)`` per record not mapped yet, each with its
        mapping in one transaction; a refused record is reported and left for a rerun."""
        done = self._mapped(kind)
        for item in items:
            old_id = int(item["id"])
            if old_id in done:
                self.report.skipped[kind] += 1
                continue
            try:
                with transaction.atomic():
                    new_id, made = load(item)
                    self._map(kind, old_id, new_id)
            except (ValidationError, IntegrityError, ValueError, KeyError, TypeError) as exc:
                message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.report.failed.append(f"{kind} {old_id}: {message}"[:300])
                continue
            done[old_id] = new_id
            (self.report.created if made else self.report.matched)[kind] += 1

    # --- each kind --------------------------------------------------------------------

    def run(self) -> Report:
        self._each(
            "organization",
            records(self.root / "organizations.jsonl", "organizations"),
            self._organization,
        )
        self.organizations = self._mapped("organization")
        self._each("user", records(self.root / "users.jsonl", "users"), self._user)
        self.users = self._mapped("user")
        comments = defaultdict(list)
        for comment in records(self.root / "ticket_comments.jsonl", "comments"):
            comments[comment.get("ticket_id")].append(comment)
        self.comments = comments
        tickets = records(self.root / "tickets.jsonl", "tickets")
        # A ticket deleted in Zendesk (the export reports it so) has nothing to bring.
        self._each("ticket", (t for t in tickets if t.get("status") != "deleted"), self._ticket)
        return self.report

    def _organization(self, item: dict) -> tuple[int, bool]:
        name = (item.get("name") or "").strip() or f"Organization {item['id']}"
        found = Organization.objects.for_account(self.account).filter(name__iexact=name).first()
        if found is not None:
            return found.pk, False
        org = organization_create(
            account=self.account,
            name=name[:200],
            domains=[d for d in item.get("domain_names") or () if isinstance(d, str)],
            details=item.get("details") or "",
            notes=item.get("notes") or "",
        )
        created_at = _time(item.get("created_at"))
        if created_at:
            Organization.objects.for_account(self.account).filter(pk=org.pk).update(
                created_at=created_at
            )
        return org.pk, True

    def _user(self, item: dict) -> tuple[int, bool]:
        # Zendesk allows users without an address (a phone caller); ours need one.
        email = (item.get("email") or "").strip() or f"user-{item['id']}@zendesk-import.invalid"
        found = User.objects.for_account(self.account).filter(email__iexact=email).first()
        if found is not None:
            return found.pk, False
        org_pk = self.organizations.get(int(item.get("organization_id") or 0))
        user = user_create(
            account=self.account,
            name=(item.get("name") or email.split("@")[0])[:150],
            email=email,
            role=ROLES.get(str(item.get("role")), User.Role.END_USER),
            phone=(item.get("phone") or "")[:40],
            organization=Organization.objects.for_account(self.account).get(pk=org_pk)
            if org_pk
            else None,
        )
        changes = {
            "notes": item.get("notes") or "",
            "is_active": item.get("active", True) is not False,
        }
        created_at = _time(item.get("created_at"))
        if created_at:
            changes["created_at"] = created_at
        User.objects.for_account(self.account).filter(pk=user.pk).update(**changes)
        return user.pk, True

    def _person(self, zendesk_id, what: str) -> User | None:
        if zendesk_id is None:
            return None
        pk = self.users.get(int(zendesk_id))
        if pk is None:
            raise ValueError(f"{what} {zendesk_id} is not among the imported users")
        return User.objects.for_account(self.account).get(pk=pk)

    def _ticket(self, item: dict) -> tuple[int, bool]:
        requester = self._person(item.get("requester_id"), "requester")
        if requester is None:
            raise ValueError("no requester")
        assignee = self._person(item.get("assignee_id"), "assignee")
        comments = [
            self._comment(c)
            for c in sorted(
                self.comments.get(item["id"], ()),
                key=lambda c: (c.get("created_at") or "", c["id"]),
            )
        ] or [
            ImportedComment(
                author=requester, body=item.get("description") or item.get("subject") or "-"
            )
        ]
        status = str(item["status"]) if item.get("status") in STATUSES else Ticket.Status.OPEN
        ticket = ticket_import(
            account=self.account,
            requester=requester,
            submitter=self._person(item.get("submitter_id"), "submitter"),
            assignee=assignee if assignee is not None and assignee.is_agent else None,
            subject=item.get("subject") or item.get("raw_subject") or f"Ticket {item['id']}",
            comments=comments,
            status=status,
            type=TYPE_FROM_ZENDESK.get(item.get("type") or "", ""),
            priority=str(item["priority"]) if item.get("priority") in PRIORITIES else "",
            tags=[t for t in item.get("tags") or () if isinstance(t, str)],
            due_at=_time(item.get("due_at")),
            created_at=_time(item.get("created_at")),
            updated_at=_time(item.get("updated_at")),
            solved_at=_time(item.get("solved_at")),
        )
        return ticket.pk, True

    def _comment(self, item: dict) -> ImportedComment:
        author = self._person(item.get("author_id"), "comment author")
        if author is None:
            raise ValueError(f"comment {item['id']} has no author")
        tokens = [self._attachment(author, a) for a in item.get("attachments") or ()]
        return ImportedComment(
            author=author,
            body=item.get("body") or item.get("plain_body") or "",
            html_body=item.get("html_body") or "",
            public=item.get("public") is not False,
            created_at=_time(item.get("created_at")),
            upload_tokens=[t for t in tokens if t],
        )

    def _attachment(self, author: User, item: dict) -> str:
        """The attachment's file from the export's folder, kept for its comment."""
        name = Path(str(item.get("file_name") or "attachment")).name
        folder = self.root / "attachments"
        for path in (
            folder / str(item.get("id")) / name,
            folder / str(item.get("id")),
            folder / name,
        ):
            if path.is_file():
                upload = SimpleUploadedFile(
                    name, path.read_bytes(), str(item.get("content_type") or "")
                )
                return attachment_upload(account=self.account, uploader=author, upload=upload).token
        raise ValueError(f"attachment {item.get('id')} ({name}) is not in the attachments folder")
