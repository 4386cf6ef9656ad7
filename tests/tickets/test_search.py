"""The agent search (tickets.search): subject, comment and internal-note matches, every
word as a prefix, newest first, one account only; the same answers whichever pass
(the walk over recent tickets, or the full-text indexes) produces them."""

import pytest

from tests.factories import make_ticket
from tickets import search as search_module
from tickets.services import comment_add

SEARCH = "/agent/search/"


@pytest.fixture(params=["walk", "walk-out-of-window", "index"])
def search_pass(request, monkeypatch):
    """Force each strategy in turn (the choice normally follows the planner's estimate)."""
    if request.param == "index":
        monkeypatch.setattr(search_module, "WALK_ABOVE", float("inf"))
    else:
        monkeypatch.setattr(search_module, "WALK_ABOVE", 0)
    if request.param == "walk-out-of-window":
        monkeypatch.setattr(search_module, "WALK_WINDOW", 1)
    return request.param


@pytest.fixture
def found(agent_client):
    def run(query):
        return agent_client.get(SEARCH, {"q": query}).text

    return run


@pytest.fixture
def desk(acme, acme_agent, acme_user):
    jam = make_ticket(account=acme, submitter=acme_user, subject="Printer jammed on tray 2")
    flux = make_ticket(account=acme, submitter=acme_user, subject="Strange noise")
    comment_add(ticket=flux, author=acme_user, body="The flux capacitor hums at night.")
    note = make_ticket(account=acme, submitter=acme_user, subject="Cannot log in")
    comment_add(ticket=note, author=acme_agent, body="Zebra-team knows the fix.", public=False)
    return {"jam": jam, "flux": flux, "note": note}


def test_subject_words_match_as_prefixes(search_pass, desk, found):
    html = found("print jam")
    assert "Printer jammed on tray 2" in html
    assert "Strange noise" not in html


def test_public_replies_match(search_pass, desk, found):
    html = found("capacitor")
    assert "Strange noise" in html
    assert "Printer jammed" not in html


def test_internal_notes_match_for_agents(search_pass, desk, found):
    assert "Cannot log in" in found("zebra")


def test_every_word_must_match(search_pass, desk, found):
    html = found("capacitor zebra")
    assert "Strange noise" not in html and "Cannot log in" not in html
    assert "No tickets match" in html


def test_by_number(search_pass, desk, found):
    assert "Cannot log in" in found(f"#{desk['note'].number}")


def test_newest_activity_first(search_pass, acme, acme_user, desk, found):
    older = make_ticket(account=acme, submitter=acme_user, subject="Printer offline")
    comment_add(ticket=desk["jam"], author=acme_user, body="Still jammed.")
    html = found("printer")
    assert html.index("Printer jammed on tray 2") < html.index("Printer offline")
    comment_add(ticket=older, author=acme_user, body="Any news?")
    html = found("printer")
    assert html.index("Printer offline") < html.index("Printer jammed on tray 2")


def test_never_another_accounts_tickets(search_pass, globex, globex_agent, desk, found):
    theirs = make_ticket(account=globex, submitter=globex_agent, subject="Printer secret")
    comment_add(ticket=theirs, author=globex_agent, body="zebra capacitor", public=False)
    assert "Printer secret" not in found("printer")
    assert "Printer secret" not in found("zebra")
    assert "Printer secret" not in found(f"#{theirs.number}")


def test_punctuation_only_finds_nothing_and_is_no_error(search_pass, desk, found):
    assert "No tickets match" in found("%%% ***")
