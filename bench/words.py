# ruff: noqa: SIM905, S311 - word lists read best as text; benchmark data is not secret
"""Vocabulary of the generated tickets: names, subjects and a Zipf-weighted word list, so
full-text search meets common words (many hits) and rare ones (few), as in a real desk."""

from __future__ import annotations

import itertools
import random

FIRST_NAMES = (
    "Ada Alan Alice Amir Ana Anna Ben Bianca Carla Carlos Chen Chiara Dara David Diego Elena "
    "Emma Eva Fatima Felix Giulia Grace Hana Hugo Ines Ivan Jack Jana Jonas Julia Karim Kenji "
    "Lara Laura Leo Lina Luca Lucia Maria Marco Maya Mei Mia Nadia Noah Nora Omar Oscar Paula "
    "Pedro Priya Rafael Rosa Sara Sofia Tariq Tom Uma Victor Wei Yara Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abbott Alvarez Bauer Bianchi Brown Chen Costa Dubois Esposito Fischer Garcia Gomez Hansen "
    "Ito Jensen Kaur Khan Kim Kowalski Lambert Lopez Martin Meyer Moreau Muller Nakamura Novak "
    "Okafor Olsen Patel Perez Rossi Russo Sato Schmidt Silva Singh Smith Suzuki Tanaka Taylor "
    "Torres Varga Wagner Walsh Weber Wilson Yilmaz Zhang"
).split()
COMPANY_WORDS = (
    "Acme Apex Atlas Beacon Blue Bright Cedar Cobalt Crest Delta Echo Ember Falcon Fjord "
    "Granite Harbor Helix Horizon Iris Juniper Kestrel Lumen Maple Meridian Nimbus Nova Oak "
    "Orbit Pine Polar Quartz Raven Ridge River Sable Sierra Solar Summit Tide Vertex Willow"
).split()
COMPANY_SUFFIXES = "Ltd Inc GmbH SpA SL Group Labs Systems Logistics Foods Media Partners".split()
PRODUCTS = (
    "invoice billing login password account subscription export import report dashboard "
    "mobile app API integration webhook email notification calendar sync printer license "
    "refund order shipment delivery payment card upgrade plan SSO VPN backup"
).split()
PROBLEMS = (
    "not working|fails with an error|is slow|shows the wrong total|cannot be found|"
    "keeps timing out|was charged twice|needs to be changed|stopped after the update|"
    "question|request for access|does not load on Safari|missing since yesterday|"
    "how do I set it up|duplicate entries"
).split("|")
GROUPS = ("Support", "Billing", "Technical", "Onboarding", "Escalations", "Sales", "Returns", "VIP")
TAGS = (
    "vip billing refund bug feature-request outage mobile web api sso invoice urgent-customer "
    "churn-risk onboarding enterprise trial password export integration"
).split()
BASE_WORDS = (
    "the a to and of is in for it you we this that on with please can our your have be "
    "not are thanks hello hi issue problem error customer ticket help support team update "
    "again still when after before since today yesterday morning order invoice payment account "
    "login password email page screen button report export file upload download settings "
    "billing refund card charge plan subscription user users access admin permission browser "
    "chrome safari firefox mobile phone app version release fix fixed working broken slow "
    "timeout message attached screenshot logs steps reproduce expected actual result "
    "urgent asap soon week month customer clients colleague manager office network vpn "
    "printer server database sync calendar contract delivery shipment tracking address "
    "status pending waiting confirm confirmed resolved close closed reopen follow question "
    "answer information details number reference regards kind best sorry apologies thank"
).split()
_SYLLABLES = "ka lo mi ne ru ta vi zo be da fe gu hi jo ki lu ma no pe ri sa te vo wa".split()


def vocabulary(size: int = 4000) -> tuple[list[str], list[float]]:
    """Words and cumulative Zipf weights: common words first, then made-up rare ones
    (product codes, surnames, jargon) that a search finds in only a few tickets."""
    rng = random.Random(7)
    words = list(dict.fromkeys(BASE_WORDS + [p.lower() for p in PRODUCTS]))
    made_up = set()
    for a, b, c in itertools.product(_SYLLABLES, repeat=3):
        if rng.random() < 0.4:
            made_up.add(a + b + c)
    words += sorted(made_up)[: max(0, size - len(words))]
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    return words, cumulative
