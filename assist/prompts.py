"""What the remote provider is asked, per feature. The instructions are in English; the
answer is asked for in the language of the text it works on."""

from __future__ import annotations

from assist.models import Feature

SAME_LANGUAGE = " Answer in the language of the text, with the text only: no preface, no quotes."

SYSTEM = {
    Feature.GENERATE: (
        "You help a support agent answer a customer. From the conversation below, draft the "
        "agent's next public reply: polite, specific, short. Use only facts from the "
        "conversation and the reference texts; if something is unknown, ask for it." + SAME_LANGUAGE
    ),
    Feature.REPHRASE: "Rephrase the support agent's reply, keeping its meaning." + SAME_LANGUAGE,
    Feature.FORMAL: "Rewrite the support agent's reply in a more formal tone." + SAME_LANGUAGE,
    Feature.CASUAL: "Rewrite the support agent's reply in a more casual, friendly tone."
    + SAME_LANGUAGE,
    Feature.SHORTER: "Make the support agent's reply shorter, keeping every fact." + SAME_LANGUAGE,
    Feature.SPELLING: "Fix the spelling and grammar of the support agent's reply, changing "
    "nothing else." + SAME_LANGUAGE,
    Feature.SUMMARISE: "Summarise this support conversation for an agent taking it over: the "
    "problem, what was tried, what is pending. At most six short lines." + SAME_LANGUAGE,
}

# The features that work on the agent's text (the others on the conversation).
ON_TEXT = frozenset(
    {Feature.REPHRASE, Feature.FORMAL, Feature.CASUAL, Feature.SHORTER, Feature.SPELLING}
)
