"""Knowledge capture (issue 25, Zendesk's "Create article" on a solved ticket): an editor
picks a public reply an agent wrote on a solved (or closed) ticket, and the article editor
opens prefilled with the ticket's subject as the title and the reply as the body.

What is not copied, so a customer's personal data does not end up in a public article:

- the requester's name (the whole name and each word of it of two letters or more, as
  whole words, any case), email address and phone number: each becomes ``[…]``;
- every email address (the agent's, a CC's, a signature's) and every phone-like number
  (seven digits or more, optionally with a leading +, spaces, dots, dashes or brackets
  between them; not an ISO date): ``[…]`` too; a ``mailto:`` link loses its address (its
  text stays, stripped as above);
- the reply's attachments and inline images (the article's sanitiser keeps only images
  uploaded to the knowledge base; an editor uploads what the article needs);
- anything the article sanitiser refuses (knowledge.text.clean_article_html).

The editor sees the result before saving and can change anything; nothing is saved until
they do. The saved article remembers its ticket (``Article.source_ticket``) and the
ticket's Activity gets a line "Article created: #N".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape, linebreaks

from knowledge.text import clean_article_html, clean_line

REMOVED = "[…]"
EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Seven digits or more, with the usual separators between them (an ISO date is not one).
PHONE = re.compile(
    r"(?<![\w/#=-])(?!\d{4}-\d\d-\d\d(?!\d))\+?\(?\d(?:[\s().-]{0,2}\d){6,}(?![\w/])"
)
MAILTO = re.compile(r"""\shref=(["'])mailto:[^"']*\1""", re.IGNORECASE)


@dataclass(frozen=True)
class Person:
    """The requester's details the draft must not carry."""

    name: str
    email: str
    phone: str


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = sorted({w for w in re.split(r"[\s,]+", name or "") if len(w) >= 2}, key=len)
    words.reverse()
    whole = " ".join((name or "").split())
    options = [re.escape(whole)] if len(whole) >= 2 else []
    options += [re.escape(w) for w in words if w != whole]
    if not options:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(options) + r")(?!\w)", re.IGNORECASE)


def strip_personal_data(text: str, person: Person) -> str:
    """``text`` (a line or HTML) without the requester's name, email and phone, nor any
    email address or phone-like number."""
    text = MAILTO.sub("", text or "")
    for exact in (person.email, person.phone):
        if exact and exact.strip():
            text = re.sub(re.escape(exact.strip()), REMOVED, text, flags=re.IGNORECASE)
    text = EMAIL.sub(REMOVED, text)
    text = PHONE.sub(REMOVED, text)
    pattern = _name_pattern(person.name)
    if pattern is not None:
        text = pattern.sub(REMOVED, text)
    return text


def draft_title(subject: str, person: Person) -> str:
    return clean_line(strip_personal_data(subject, person), max_length=255)


def draft_body(*, body: str, html_body: str, person: Person) -> str:
    """The reply as article HTML: its sanitised rich version, else its plain text in
    paragraphs; sanitised with the article's allow-list after the stripping."""
    html = html_body or linebreaks(escape(body or ""))
    return clean_article_html(strip_personal_data(html, person))
