"""An article's rich text: the comments' allow-list (tickets.text) plus headings, images,
code blocks and tables; nothing that runs (no script, style, event handler, javascript:
or data: URL), and the site's CSP on top."""

from __future__ import annotations

import re

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
# The only image source a body keeps: an image uploaded to the account
# (knowledge.models.ArticleImage, served by knowledge.hc_views.image on the account's
# own subdomain, so a relative address cannot point at another account's files).
IMAGE_SRC = re.compile(r"/hc/kb/images/[A-Za-z0-9_-]{16,64}/")


def image_url(token: str) -> str:
    return f"/hc/kb/images/{token}/"


def _keep(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if IMAGE_SRC.fullmatch(value) else None
    return value


def clean_article_html(value: str) -> str:
    """Sanitised article body. Links are http(s), mailto or relative to the site; an image
    keeps its source only when it is one of the account's uploaded images (IMAGE_SRC):
    no hot-linked or tracking images, no data: URLs."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_keep,
    ).strip()


def clean_line(value: str, *, max_length: int) -> str:
    """A title or name: one line, no markup left to interpret (templates escape it too)."""
    return " ".join((value or "").split())[:max_length]


def image_tokens(body: str) -> set[str]:
    """The uploaded images a (sanitised) body shows."""
    return {m.group(0).split("/")[4] for m in IMAGE_SRC.finditer(body or "")}


def article_text(body: str) -> str:
    return html_to_text(body)
