"""Bulk import of users from a CSV file (issue 21), with a dry run.

The file is read row by row from its stream (never whole in memory). Columns, by their
header (case and order free): ``name`` and ``email`` required; ``role`` (end-user, agent,
admin), ``organization`` (an existing organization's name), ``phone``, ``tags``,
``language``, ``time_zone``, ``notes`` optional. Every bad row is reported with its line
number in the file and the reason; the good ones are created (a dry run creates nothing
and reports the same). A file that is not CSV text is one clear error, never a 500.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.emails import normalized
from accounts.identity_models import AuditEntry
from accounts.models import TIME_ZONE_CHOICES, Account, Organization, User
from accounts.people_models import UserEmail
from accounts.services import _require_admin_of, user_create
from accounts.user_services import tags_normalized

COLUMNS = (
    "name",
    "email",
    "role",
    "organization",
    "phone",
    "tags",
    "language",
    "time_zone",
    "notes",
)
REQUIRED = ("name", "email")
ROLES = {
    "": User.Role.END_USER,
    "end-user": User.Role.END_USER,
    "end_user": User.Role.END_USER,
    "end user": User.Role.END_USER,
    "agent": User.Role.AGENT,
    "admin": User.Role.ADMIN,
}
# The report lists this many bad rows; the count of them is always exact.
REPORTED = 500
# A cell longer than this is refused before anything else looks at it.
csv.field_size_limit(64 * 1024)


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    bad: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    file_error: str = ""

    def refuse(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.errors) < REPORTED:
            self.errors.append((line, reason))


def users_import_csv(
    *, account: Account, actor: User, stream: IO[bytes], dry_run: bool = True
) -> ImportReport:
    """Read the CSV from ``stream`` (bytes, UTF-8, a BOM allowed) and create its users,
    or with ``dry_run`` only check them. Each good row is created in its own savepoint."""
    _require_admin_of(actor, account)
    report = ImportReport(dry_run=dry_run)
    text = codecs.getreader("utf-8-sig")(stream, "strict")
    reader = csv.reader(_lines(text), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            report.file_error = _("The file is empty.")
            return report
        columns = [name.strip().lower().replace(" ", "_") for name in header]
        missing = [name for name in REQUIRED if name not in columns]
        unknown = [name for name in columns if name not in COLUMNS]
        if missing or unknown:
            report.file_error = _(
                "The first line must name the columns: name and email, and optionally %(optional)s."
            ) % {"optional": ", ".join(COLUMNS[2:])}
            return report
        seen = _taken_emails(account)
        organizations = {org.name.lower(): org for org in Organization.objects.for_account(account)}
        with transaction.atomic():
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                report.rows += 1
                if len(cells) != len(columns):
                    report.refuse(
                        line,
                        _("Expected %(expected)d columns, found %(found)d.")
                        % {"expected": len(columns), "found": len(cells)},
                    )
                    continue
                row = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
                try:
                    values = _clean_row(row, seen, organizations)
                except ValidationError as exc:
                    report.refuse(line, " ".join(exc.messages))
                    continue
                seen.add(values["email"].lower())
                if dry_run:
                    report.created += 1
                    continue
                try:
                    with transaction.atomic():
                        _create(account, values)
                except ValidationError as exc:
                    report.refuse(line, " ".join(exc.messages))
                    continue
                report.created += 1
            if not dry_run and report.created:
                audit_record(
                    account=account,
                    actor=actor,
                    action=AuditEntry.Action.USERS_IMPORTED,
                    target=_("%(count)d users") % {"count": report.created},
                    changes={"created": [None, report.created], "refused": [None, report.bad]},
                )
    except UnicodeDecodeError:
        report.file_error = _("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.")
    except csv.Error as exc:
        report.file_error = _("The file is not valid CSV (line %(line)d): %(reason)s") % {
            "line": reader.line_num,
            "reason": str(exc),
        }
    if report.file_error and not dry_run:
        # A file broken halfway: the rows before it were created; say so plainly.
        report.errors.append((reader.line_num, report.file_error))
    return report


def _lines(text: codecs.StreamReader) -> Iterator[str]:
    """The decoded lines, one at a time, NUL characters refused with a clear reason."""
    for line in text:
        if "\x00" in line:
            raise csv.Error(_("the file contains NUL characters"))
        yield line


def _taken_emails(account: Account) -> set[str]:
    """Every address of the account, primary and other, lowercase: one read each."""
    return {
        *(e.lower() for e in User.objects.for_account(account).values_list("email", flat=True)),
        *UserEmail.objects.for_account(account).values_list("email", flat=True),
    }


def _clean_row(row: dict[str, str], seen: set[str], organizations: dict) -> dict:
    name, email = row.get("name", ""), row.get("email", "")
    if not name:
        raise ValidationError(_("The name is empty."))
    if len(name) > 150:
        raise ValidationError(_("The name is longer than 150 characters."))
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("“%(email)s” is not an email address.") % {"email": email[:100]}
        ) from None
    email = normalized(email)
    if email in seen:
        raise ValidationError(
            _("A user with the email %(email)s already exists (or is earlier in the file).")
            % {"email": email}
        )
    role = ROLES.get(row.get("role", "").lower())
    if role is None:
        raise ValidationError(
            _("Unknown role “%(role)s”: use end-user, agent or admin.") % {"role": row["role"][:40]}
        )
    organization = None
    if row.get("organization"):
        organization = organizations.get(row["organization"].lower())
        if organization is None:
            raise ValidationError(
                _("No organization is named “%(name)s”.") % {"name": row["organization"][:100]}
            )
    language = row.get("language", "")
    if language and language not in {code for code, _label in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language “%(code)s”.") % {"code": language[:20]})
    time_zone = row.get("time_zone", "")
    if time_zone and time_zone not in {tz for tz, _label in TIME_ZONE_CHOICES}:
        raise ValidationError(_("Unknown time zone “%(zone)s”.") % {"zone": time_zone[:60]})
    if len(row.get("phone", "")) > 40:
        raise ValidationError(_("The phone number is longer than 40 characters."))
    if len(row.get("tags", "")) > 1000:
        raise ValidationError(_("The tags are longer than 1000 characters."))
    return {
        "name": name,
        "email": email,
        "role": role,
        "organization": organization,
        "phone": row.get("phone", ""),
        "tags": tags_normalized(row.get("tags", "")),
        "locale": language,
        "time_zone": time_zone,
        "notes": row.get("notes", ""),
    }


def _create(account: Account, values: dict) -> User:
    tags, notes = values.pop("tags"), values.pop("notes")
    user = user_create(account=account, **values)
    if tags or notes:
        user.tags, user.notes = tags, notes
        user.save(update_fields=["tags", "notes"])
    return user
