"""Comment and subject text: sanitising rich text, one-line subjects, the 65,536-character
limit, @mentions."""

from __future__ import annotations

import html
import re

import nh3

from tickets.models import COMMENT_MAX_CHARS

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ELLIPSIS = "…"


def clean_html(value: str) -> str:
    """A small allow-list of formatting; links get rel="noopener noreferrer nofollow" and
    only http(s)/mailto schemes survive (no javascript:, however it is spelled)."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


_BLOCK_END = re.compile(r"</(p|li|blockquote|pre)>|<br\s*/?>", re.I)


def html_to_text(value: str) -> str:
    """Plain text of sanitised HTML, for search, previews and text emails."""
    text = _BLOCK_END.sub("\n", value or "")
    text = nh3.clean(text, tags=set())
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()


def clean_subject(value: str | None, *, max_length: int | None = None) -> str:
    """A subject as every channel stores it (tickets, inbound email, outbox rows): one
    line, single spaces, cut to ``max_length`` with no space left dangling at the cut."""
    subject = " ".join((value or "").split())
    if max_length is not None and len(subject) > max_length:
        subject = subject[:max_length].rstrip()
    return subject


def normalise_newlines(value: str) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def truncate_body(body: str) -> tuple[str, bool]:
    """(body cut to COMMENT_MAX_CHARS characters ending in an ellipsis, was it cut?).
    Counts characters, not bytes; the caller keeps the original as an attachment."""
    if len(body) <= COMMENT_MAX_CHARS:
        return body, False
    return body[: COMMENT_MAX_CHARS - len(ELLIPSIS)] + ELLIPSIS, True


_MENTION = re.compile(r"(?<![\w@])@([\w][\w.\-]*(?:\s[A-Z][\w\-]*)?)")


def mention_handles(body: str) -> set[str]:
    """Lower-cased handles written as @name, @first.last, @"First Last" style words."""
    return {m.group(1).lower() for m in _MENTION.finditer(body or "")}
