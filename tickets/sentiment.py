"""The built-in sentiment marker of end users' comments (issue 28, seed 002's "AI
sentiment"): a lexicon scorer that needs no network. Each word of the comment found in
the lexicon of the writer's language (English's too: support mail mixes them) counts +1
or -1; a negation ("not", "non", "no", "nunca"…) up to three words before it turns it
round ("not working" counts -1, "no problem" +1). Positive from +1, negative from -1,
neutral otherwise. Honest about what it is: words, not understanding; the agent sees a
hint, and views and triggers can sort the angry mail first."""

from __future__ import annotations

import re

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
NEGATION_WINDOW = 3


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


LEXICONS: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "en": (
        _set(
            "thanks thank great excellent perfect awesome happy love appreciate appreciated "
            "helpful wonderful fantastic amazing resolved works working fixed glad pleased "
            "brilliant quick fast satisfied solved superb kind"
        ),
        _set(
            "bad terrible awful horrible angry annoyed frustrated frustrating disappointed "
            "disappointing unacceptable worst useless broken fail failed failing fails slow wrong "
            "complaint ridiculous unhappy hate upset crash crashes crashed lost furious "
            "outrageous poor nightmare"
        ),
        _set("not no never don't doesn't didn't isn't wasn't can't cannot won't nor"),
    ),
    "it": (
        _set(
            "grazie ottimo ottima perfetto perfetta eccellente bene buono buona fantastico felice "
            "contento contenta soddisfatto soddisfatta risolto risolta funziona gentile "
            "gentilissimi gentilissima rapido rapida veloce apprezzo utile splendido"
        ),
        _set(
            "male pessimo pessima terribile orribile arrabbiato arrabbiata deluso delusa "
            "inaccettabile inutile rotto rotta sbagliato sbagliata lento lenta vergogna ridicolo "
            "insoddisfatto insoddisfatta guasto bloccato reclamo disastro scandaloso furioso"
        ),
        _set("non mai nessun nessuno niente nulla né"),
    ),
    "es": (
        _set(
            "gracias excelente perfecto perfecta genial bueno buena estupendo fantástico feliz "
            "contento contenta satisfecho satisfecha resuelto resuelta funciona amable rápido "
            "rápida útil agradezco encantado encantada"
        ),
        _set(
            "mal malo mala pésimo pésima terrible horrible enfadado enfadada enojado enojada "
            "molesto molesta decepcionado decepcionada inaceptable inútil roto rota equivocado "
            "lento lenta vergüenza ridículo insatisfecho insatisfecha queja fallo desastre "
            "furioso"
        ),
        _set("no nunca ni tampoco sin jamás"),
    ),
}


def sentiment_score(text: str, locale: str = "en") -> int:
    """The comment's sum of word polarities (negations applied)."""
    languages = [locale, "en"] if locale in LEXICONS and locale != "en" else ["en"]
    positive = frozenset().union(*(LEXICONS[lang][0] for lang in languages))
    negative = frozenset().union(*(LEXICONS[lang][1] for lang in languages))
    negations = frozenset().union(*(LEXICONS[lang][2] for lang in languages))
    score, since_negation = 0, NEGATION_WINDOW + 1
    for raw in _WORD.findall(text or ""):
        word = raw.casefold().replace("’", "'")
        if word in negations:
            since_negation = 0
            continue
        since_negation += 1
        polarity = (word in positive) - (word in negative)
        if polarity and since_negation <= NEGATION_WINDOW:
            polarity = -polarity
        score += polarity
    return score


def sentiment_of(text: str, locale: str = "en") -> str:
    score = sentiment_score(text, locale)
    if score >= 1:
        return POSITIVE
    if score <= -1:
        return NEGATIVE
    return NEUTRAL
