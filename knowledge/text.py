"""An article's rich text: the comments' allow-list (tickets.text) plus headings, images,
code blocks and tables; nothing that runs (no script, style, event handler, javascript:
or data: URL), and the site's CSP on top."""

from __future__ import annotations

import nh3

from tickets.text import ALLOWED_ATTRIBUTES as COMMENT_ATTRIBUTES
from tickets.text import ALLOWED_TAGS as COMMENT_TAGS
from tickets.text import html_to_text

ALLOWED_TAGS = COMMENT_TAGS | {
    "h2",
    "h3",
    "h4",
    "img",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = COMMENT_ATTRIBUTES | {
    "img": {"src", "alt", "width", "height"},
    "code": {"class"},
    "th": {"scope"},
}
MAX_BODY_CHARS = 200_000


def clean_article_html(value: str) -> str:
    """Sanitised article body. Image sources and links are http(s) (mailto for links) or
    relative to the site (the account's uploaded files)."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def clean_line(value: str, *, max_length: int) -> str:
    """A title or name: one line, no markup left to interpret (templates escape it too)."""
    return " ".join((value or "").split())[:max_length]


def article_text(body: str) -> str:
    return html_to_text(body)
