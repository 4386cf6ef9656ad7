"""The rows of the agent's ticket lists (list views, search, a person's tickets), rendered
by templates/agent/_ticket_rows.html: what each cell shows, escaped, in the
agent's language, and the labels cached per language never leak across languages."""

import re

import pytest

from tests.factories import AgentFactory, EndUserFactory, make_ticket
from tickets.services import ticket_update
from tickets.services.saved_views import view_create
from tickets.view_selectors import DEFAULT_COLUMNS

UNSOLVED = "/agent/views/3/"


def row_of(html: str, number: int) -> str:
    match = re.search(
        rf'<tr class="ticket-row[^"]*"[^>]*>(?:(?!</tr>).)*#{number}<.*?</tr>', html, re.S
    )
    assert match, f"no row for #{number}"
    return match.group(0)


@pytest.fixture
def private_urgent(acme, acme_agent):
    acme.private_tickets_enabled = True
    acme.save(update_fields=["private_tickets_enabled"])
    requester = EndUserFactory(account=acme, name="<b>Bob</b> & Co", email="bob@x.example")
    ticket = make_ticket(
        account=acme,
        submitter=acme_agent,
        requester=requester,
        subject="Server <down>",
        public=False,
    )
    ticket_update(ticket=ticket, actor=acme_agent, priority="urgent", assignee=acme_agent)
    return ticket


def test_a_row_shows_the_ticket_escaped(private_urgent, agent_client):
    row = row_of(agent_client.get(UNSOLVED).text, private_urgent.number)
    assert f'href="/agent/tickets/{private_urgent.number}/"' in row
    assert "Server &lt;down&gt;" in row and "<down>" not in row
    assert "&lt;b&gt;Bob&lt;/b&gt; &amp; Co" in row
    assert 'class="ticket-row is-private"' in row
    assert '<span class="badge badge-private">Private</span>' in row
    assert '<span class="priority-urgent">Urgent</span>' in row
    assert "Alan Agent" in row
    assert f'aria-label="Select ticket #{private_urgent.number}"' in row
    assert "just now" in row
    assert 'title="Priority: Urgent' in row


def test_blank_cells_show_a_dash_and_search_rows_have_no_checkbox(acme, acme_user, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Plain question")
    row = row_of(agent_client.get("/agent/search/", {"q": "plain"}).text, ticket.number)
    assert row.count('<span class="muted">—</span>') == 3  # priority, assignee, group
    assert 'type="checkbox"' not in row
    assert "No priority" in row


def test_a_persons_tickets_leave_out_the_requester_column(acme, acme_user, agent_client):
    ticket = make_ticket(account=acme, submitter=acme_user, subject="Mine")
    html = agent_client.get(f"/agent/users/{acme_user.number}/").text
    assert acme_user.name not in row_of(html, ticket.number)


def test_rows_speak_the_agents_language_and_english_stays_english(
    acme, private_urgent, agent_client, client_for
):
    italian = AgentFactory(account=acme, name="Giulia Bianchi", locale="it")
    row_it = row_of(client_for(italian).get(UNSOLVED).text, private_urgent.number)
    assert "Privato<" in row_it and "Urgente<" in row_it
    assert "Urgent<" not in row_it
    row_en = row_of(agent_client.get(UNSOLVED).text, private_urgent.number)
    assert "Urgent<" in row_en and "Private<" in row_en


def _cells(row: str) -> list[str]:
    return re.findall(r"<td.*?</td>", row, re.S)


def test_the_default_columns_straight_line_prints_what_the_loop_prints(
    private_urgent, acme, acme_agent, acme_user, agent_client
):
    """The rows template writes the default columns in a straight line (issue 17: the
    loop over the keys cost half of the rows' time); a view with one more column goes
    through the loop. Apart from that column the cells are the same, for a full row and
    for one with blank cells."""
    plain = make_ticket(account=acme, submitter=acme_user, subject="Plain question")
    conditions = {"all": [{"field": "status", "operator": "less_than", "value": "solved"}]}
    default = view_create(account=acme, actor=acme_agent, title="Default", conditions=conditions)
    wider = view_create(
        account=acme,
        actor=acme_agent,
        title="Wider",
        conditions=conditions,
        columns=[*DEFAULT_COLUMNS[:-1], "type", DEFAULT_COLUMNS[-1]],
    )
    default_page = agent_client.get(f"/agent/views/{default.number}/").text
    wider_page = agent_client.get(f"/agent/views/{wider.number}/").text
    for ticket in (private_urgent, plain):
        straight = _cells(row_of(default_page, ticket.number))
        looped = _cells(row_of(wider_page, ticket.number))
        assert len(looped) == len(straight) + 1
        # The quick actions' cells (issue 27) name their view: compared by their tests.
        assert 'class="col-quick"' in straight.pop() and 'class="col-quick"' in looped.pop()
        del looped[-2]  # the type
        assert straight == looped
