"""Icons are SVG shipped with the static files, never emoji: where no emoji font is
installed, an emoji shows as an empty box (issue 15, item 15)."""

import re
from pathlib import Path

from django.conf import settings

from tests.factories import make_ticket
from tests.tickets.conftest import upload
from tickets.services import comment_add

ROOT = Path(settings.BASE_DIR)
# Pictographs, symbols and dingbats with an emoji presentation, flags, the emoji variation
# selector and the joiner of emoji sequences. Arrows (→), "·" and "—" are text and stay.
EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u231a\u231b\u23e9-\u23f3"
    "\u23f8-\u23fa\ufe0f\u200d]"
)
SPRITE = ROOT / "static" / "img" / "icons.svg"


def emoji_in(text: str) -> list[str]:
    return sorted(set(EMOJI.findall(text)))


def sources():
    """Everything that writes what a page shows: templates, static files, and the Python
    that renders markup or text (template tags, formatting, forms, messages)."""
    yield from (ROOT / "templates").rglob("*.*")
    yield from (p for p in (ROOT / "static").rglob("*.*") if p.suffix in {".js", ".css", ".svg"})
    for app in ("helpdesk", "accounts", "tickets", "portal", "notifications", "api"):
        yield from (p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def test_no_emoji_in_templates_static_files_or_renderers():
    found = {
        str(path.relative_to(ROOT)): emoji_in(path.read_text(encoding="utf-8"))
        for path in sources()
    }
    assert not {path: chars for path, chars in found.items() if chars}


def test_attachment_icons_are_the_svg_sprite_on_both_sides(acme, acme_agent, acme_user, client_for):
    ticket = make_ticket(
        account=acme, submitter=acme_user, requester=acme_user, subject="Logs", body="Hi"
    )
    comment_add(
        ticket=ticket,
        author=acme_agent,
        body="Here it is",
        public=True,
        uploads=[upload("log.txt")],
    )
    agent_page = client_for(acme_agent).get(f"/agent/tickets/{ticket.number}/").text
    portal_page = client_for(acme_user).get(f"/hc/requests/{ticket.number}/").text
    assert emoji_in(agent_page) == [] and emoji_in(portal_page) == []
    # Decorative: hidden from screen readers, the file name beside it says what it is.
    icon = (
        '<svg class="icon{}" aria-hidden="true" focusable="false">'
        '<use href="/static/img/icons.svg#{}">'
    )
    assert icon.format("", "paperclip") in agent_page and "log.txt" in agent_page
    assert icon.format(" hc-file-icon", "file") in portal_page and "log.txt" in portal_page
    sprite = SPRITE.read_text()
    assert '<symbol id="paperclip"' in sprite and '<symbol id="file"' in sprite
