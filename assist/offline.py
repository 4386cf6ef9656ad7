"""The built-in provider: needs no network and does only what it can do honestly.

- "Generate reply" drafts from the account's own text: the shared and personal macros the
  agent may use, ranked by the words they share with the ticket's subject and the
  requester's last comment, and the published articles the knowledge base's full-text
  search finds for the subject (in the requester's language);
- "Fix spelling" corrects words a dictionary of the reply's language does not know
  (pyspellchecker: English, Italian and Spanish word-frequency lists), keeping
  capitals, punctuation, addresses and numbers as typed.
Rewriting (rephrase, formal, casual, shorter) and summaries need a language model: the
reply box shows them as unavailable rather than faking them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from assist.models import Feature
from knowledge import selectors as kb
from macros.apply import macro_result
from macros.selectors import macros_for_agent
from tickets.models import Ticket

AVAILABLE = frozenset({Feature.GENERATE, Feature.SPELLING})
SPELL_LANGUAGES = {"en": "en", "it": "it", "es": "es"}
WORD = re.compile(r"\w+", re.UNICODE)
# A token left alone: anything with a digit, an address, a path or an @.
SKIP = re.compile(r"^(?:\S*[\d@/\\]\S*|https?:\S+|www\.\S+)$")
SHORT = 3
MACRO_PICKS = 1
ARTICLE_PICKS = 3
ARTICLE_WORDS = 3


@dataclass
class Draft:
    text: str
    found: bool


def _macro_text(macro) -> str:
    for action in macro.actions or []:
        if action.get("field") == "comment_value":
            return str(action.get("value") or "").strip()
    return ""


def _words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text or "") if len(w) > SHORT}


def _latest_request_text(ticket: Ticket) -> str:
    comment = (
        ticket.comments.filter(public=True, author_id=ticket.requester_id)
        .order_by("-created_at", "-id")
        .values_list("body", flat=True)
        .first()
    )
    return comment or ""


def generate(*, ticket: Ticket, agent: User) -> Draft:
    locale = ticket.requester.effective_locale if ticket.requester_id else "en"
    asked = _words(ticket.subject) | _words(_latest_request_text(ticket))
    scored = []
    for macro in macros_for_agent(viewer=agent):
        text = _macro_text(macro)
        if not text:
            continue
        score = len(asked & (_words(macro.title) | _words(text)))
        if score:
            scored.append((score, macro.title, macro))
    scored.sort(key=lambda row: (-row[0], row[1]))
    articles = _articles(ticket, locale)
    if not scored and not articles:
        return Draft("", False)
    # The macro's comment as applying it would write it (its placeholders filled in).
    parts = [
        body
        for _score, _title, macro in scored[:MACRO_PICKS]
        if (body := macro_result(macro=macro, ticket=ticket, actor=agent).body.strip())
    ]
    if articles:
        with override(locale):
            lines = [_("These articles may help:")]
        for hit in articles:
            title = "".join(text for text, _marked in hit.title_parts)
            path = reverse("kb:article", args=[hit.article.number], urlconf=settings.TENANT_URLCONF)
            lines.append(f"- {title}: {ticket.account.base_url}{path}")
        parts.append("\n".join(lines))
    return Draft("\n\n".join(parts), True)


def _articles(ticket: Ticket, locale: str) -> list:
    """Articles the requester may read for the subject: all of its words first (the
    search matches every word), else its longest words one by one, best first."""
    found: dict[int, object] = {}
    words = sorted(_words(ticket.subject), key=len, reverse=True)[:ARTICLE_WORDS]
    for query in [ticket.subject, *words]:
        for hit in kb.search_articles(
            account=ticket.account,
            viewer=ticket.requester,
            locale=locale,
            query=query,
            limit=ARTICLE_PICKS,
        ):
            found.setdefault(hit.article.pk, hit)
        if len(found) >= ARTICLE_PICKS:
            break
    return list(found.values())[:ARTICLE_PICKS]


@functools.cache
def _checker(language: str):
    from spellchecker import SpellChecker

    # One edit away only: a word two edits from the nearest known one is more often a
    # name or a term than a typo, and is left as typed.
    return SpellChecker(language=language, distance=1)


def _known(word: str, language: str) -> bool:
    """Known in the reply's language, as a plural of a known word (the Spanish and
    Italian lists lack many plurals: "gracias", "días"), or in English (the loanwords
    of support text: "password", "email")."""
    checker = _checker(language)
    if word in checker:
        return True
    stems = [word[:-1], word[:-2]] if word.endswith("s") else []
    if any(stem and stem in checker for stem in stems):
        return True
    if language == "es" and word.endswith("ías") and word[:-3] + "ía" in checker:
        return True
    return language != "en" and word in _checker("en")


def _match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def fix_spelling(text: str, *, locale: str) -> tuple[str, int]:
    """The text with unknown words corrected, and how many were changed."""
    language = SPELL_LANGUAGES.get(locale, "en")
    checker = _checker(language)
    changed = 0
    out = []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace() or SKIP.match(token):
            out.append(token)
            continue

        def fix(match: re.Match) -> str:
            nonlocal changed
            word = match.group(0)
            if len(word) <= 2 or not word.isalpha() or _known(word.lower(), language):
                return word
            best = checker.correction(word.lower())
            if not best or best == word.lower():
                return word
            changed += 1
            return _match_case(best, word)

        out.append(WORD.sub(fix, token))
    return "".join(out), changed
