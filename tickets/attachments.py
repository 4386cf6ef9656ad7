"""Attachment rules: how many, how big, which types (by extension and by content), and
how a stored file is answered to whoever may read it."""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from accounts.models import Account

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from tickets.models import Comment

logger = logging.getLogger(__name__)


class StoredFile(Protocol):
    """What a download answer needs of a stored file: a ticket's Attachment, a chat's
    ChatAttachment."""

    file: FieldFile
    filename: str
    content_type: str


# Magic numbers of the binary types we accept; text types are checked for being text.
_SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "gif": [b"GIF87a", b"GIF89a"],
    "docx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
    "xls": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
}
_FTYP_TYPES = {"mp4", "mov", "m4v"}
_TEXT_TYPES = {"txt", "csv", "tsv", "har", "json", "log"}
SAFE_INLINE_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "txt": "text/plain",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "har": "application/json",
    "json": "application/json",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "m4v": "video/mp4",
}


# Characters that mean something in HTML or inside a header's quoted string: a name is
# escaped wherever it is shown, but one careless template or email header should not be
# all that stands between an uploaded name and markup.
_MARKUP_CHARACTERS = str.maketrans({"<": "_", ">": "_", '"': "_"})


def safe_filename(name: str) -> str:
    """Strip paths, control and bidi-override characters, replace markup characters
    (``<``, ``>``, ``"``) with ``_``; keep something readable."""
    name = os.path.basename((name or "").replace("\\", "/").replace("\x00", ""))
    name = "".join(
        ch
        for ch in unicodedata.normalize("NFC", name)
        if unicodedata.category(ch) not in ("Cc", "Cf")
    ).translate(_MARKUP_CHARACTERS)
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:200] or "attachment"


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _content_matches(ext: str, head: bytes) -> bool:
    if ext in _SIGNATURES:
        return any(head.startswith(sig) for sig in _SIGNATURES[ext])
    if ext in _FTYP_TYPES:
        return head[4:8] == b"ftyp"
    if ext in _TEXT_TYPES:
        if b"\x00" in head:
            return False
        lowered = head[:512].lstrip().lower()
        if lowered.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml", b"<script")):
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a multi-byte char cut at the sniff boundary
            return exc.start >= len(head) - 4
        return True
    return False


def validate_uploads(
    *, account: Account, files: Iterable[UploadedFile], already_uploaded: int = 0
) -> None:
    """Raise a ValidationError naming each refused file and the rule it broke.
    ``already_uploaded`` counts files uploaded earlier for the same message (API tokens)."""
    files = list(files)
    errors = []
    limit = account.max_attachments_per_message
    if len(files) + already_uploaded > limit:
        errors.append(_("You can attach at most %(n)d files to one message.") % {"n": limit})
    max_bytes = account.max_attachment_size_kb * 1024
    allowed = account.allowed_extensions
    for upload in files:
        name = safe_filename(upload.name)  # type: ignore[arg-type]  # an upload has a name
        ext = extension_of(name)
        if ext not in allowed:
            errors.append(
                _("“%(name)s” is not an allowed file type. Allowed: %(types)s.")
                % {"name": name, "types": ", ".join(sorted(allowed)).upper()}
            )
            continue
        if not upload.size:
            # A file that arrived empty (a browser that lost it, a cloud placeholder):
            # taken silently, the person would believe it was sent.
            errors.append(_("“%(name)s” is empty. Please attach it again.") % {"name": name})
            continue
        if upload.size > max_bytes:
            errors.append(
                _("“%(name)s” is larger than %(kb)d KB.")
                % {"name": name, "kb": account.max_attachment_size_kb}
            )
            continue
        upload.seek(0)
        head = upload.read(2048)
        upload.seek(0)
        if not _content_matches(ext, head):
            errors.append(
                _("“%(name)s” does not look like a .%(ext)s file.") % {"name": name, "ext": ext}
            )
    if errors:
        raise ValidationError(errors)


class CopiedFile(StoredFile, Protocol):
    """A stored file a comment can take a copy of (a merged ticket's attachment, a chat's
    file at its transcript)."""

    pk: int
    uploader_id: int | None
    size: int


def attachment_copy(source: CopiedFile, comment: Comment, *, log_as: str) -> bool:
    """A copy of ``source``'s stored file as an attachment of ``comment``: copied, not
    shared, so deleting one side never removes the other's file. A file gone from the
    storage is logged and left out (False); the caller goes on with the rest."""
    from django.core.files.base import ContentFile

    from tickets.models import Attachment

    try:
        with source.file.open("rb") as stored:
            content = stored.read()
    except OSError:
        logger.warning("%s: attachment %s has no stored file", log_as, source.pk)
        return False
    copy = Attachment(
        account_id=comment.account_id,
        comment=comment,
        uploader_id=source.uploader_id,
        filename=source.filename,
        content_type=source.content_type,
        size=source.size,
    )
    copy.file.save(source.filename, ContentFile(content), save=True)
    return True


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


def attachment_response(attachment: StoredFile) -> FileResponse:
    """The one download answer of the agent workspace and the help center (the API links
    to the help center's). Only plain images show inline; everything else (SVG, HTML,
    PDF…) downloads, the browser may not guess another type, a page it opens anyway runs
    sandboxed, and no cache keeps a private file. A file gone from storage is a 404."""
    inline = attachment.content_type in SAFE_INLINE_IMAGE_TYPES
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
