"""The requester's address in the ticket page's sidebar (19rem): on a line of its own under
the name, a usual one whole on one line, a long one broken at its hyphens, not inside a
word. It had some 105 px beside the avatar and "Change", and broke anywhere
("…@assis" / "tenza-…")."""

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.factories import EndUserFactory, make_ticket

pytestmark = pytest.mark.browser

# The index of each character that starts a new line, in the chip's address.
LINE_STARTS = """chip => {
    const text = chip.querySelector('.chip-text > .small').firstChild;
    const starts = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const rect = range.getClientRects()[0];
        if (top !== null && rect.top > top + 2) starts.push(i);
        top = rect.top;
    }
    return starts;
}"""


def test_the_requesters_address_breaks_at_hyphens_not_inside_words(
    page, acme_url, acme, acme_agent, password
):
    usual = EndUserFactory(account=acme, name="Giulia Rossi", email="giulia.rossi@rossi.example")
    long = EndUserFactory(
        account=acme,
        name="Maria Antonietta Dell'Aquila Bertolucci",
        email="maria.antonietta.dellaquila-bertolucci@assistenza-clienti.rossi-e-figli.example",
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, acme_url, acme_agent.email, password)
    for requester in (usual, long):
        ticket = make_ticket(account=acme, submitter=acme_agent, requester=requester)
        page.goto(f"{acme_url}/agent/tickets/{ticket.number}/")
        chip = page.locator(".requester-chip")
        starts = chip.evaluate(LINE_STARTS)
        if requester is usual:
            assert starts == []
        else:
            assert starts, "a long address takes more than one line"
            assert all(requester.email[i - 1] == "-" for i in starts), [
                requester.email[:i] for i in starts
            ]
    screenshot(page, "requester-chip-long-address")
