"""Views (issue 18): the condition vocabulary, what a view lists, who may change which
view, and the built-in views every account starts with."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import AccountFactory, AgentFactory, AgentGroupFactory, make_ticket
from tickets.models import Ticket, View
from tickets.services import NotAllowed, ticket_update
from tickets.services.saved_views import (
    view_clone,
    view_create,
    view_delete,
    view_set_active,
    view_update,
    views_reorder,
)
from tickets.view_selectors import view_counts, view_matching, views_for_agent


def subjects(view, viewer) -> set[str]:
    return set(view_matching(view=view, viewer=viewer).values_list("subject", flat=True))


def shared(acme, admin, all_=(), any_=(), **fields):
    return view_create(
        account=acme,
        actor=admin,
        title=fields.pop("title", "A view"),
        conditions={"all": list(all_), "any": list(any_)},
        **fields,
    )


@pytest.fixture
def billing(acme, acme_agent):
    group = AgentGroupFactory(account=acme, name="Billing")
    group.memberships.create(account=acme, user=acme_agent)
    return group


# --- The vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"field": "colour", "operator": "is", "value": "red"}, 'Unknown condition field "colour"'),
        ({"field": "status", "operator": "contains", "value": "open"}, 'no operator "contains"'),
        ({"field": "status", "operator": "is", "value": "bogus"}, '"bogus" is not a value'),
        ({"field": "priority", "operator": "less_than", "value": ""}, '"" is not a value'),
        ({"field": "created_at", "operator": "before", "value": "yesterday"}, "is not a date"),
        ({"field": "updated_at", "operator": "within_last_hours", "value": "x"}, "whole number"),
        ({"field": "group_id", "operator": "is", "value": 999}, "no group number 999"),
        ({"field": "is_public", "operator": "is", "value": "maybe"}, '"maybe" is not a value'),
        ({"field": "status"}, 'needs a "field", an "operator"'),
        ("status is open", 'needs a "field", an "operator"'),
    ],
)
def test_an_unknown_field_operator_or_value_is_a_clear_error(acme, acme_admin, condition, message):
    with pytest.raises(ValidationError) as raised:
        shared(acme, acme_admin, [condition])
    assert any(message in text for text in raised.value.messages), raised.value.messages


def test_conditions_must_be_zendesks_all_and_any_lists(acme, acme_admin):
    for bad in ([], {"all": "status"}, {"every": []}):
        with pytest.raises(ValidationError, match="all.*any"):
            view_create(account=acme, actor=acme_admin, title="Bad", conditions=bad)


def test_another_accounts_group_cannot_be_named(acme, globex, acme_admin):
    theirs = AgentGroupFactory(account=globex, name="Theirs")
    AgentGroupFactory(account=acme, name="Ours")  # number 1 in acme: not theirs
    with pytest.raises(ValidationError):
        shared(acme, acme_admin, [{"field": "group_id", "operator": "is", "value": 2}])
    assert theirs.number == 1


# --- What a view lists -----------------------------------------------------------------


def test_all_conditions_and_any_conditions_combine(acme, acme_admin, acme_agent, billing):
    def make(subject, **kwargs):
        return make_ticket(account=acme, submitter=acme_agent, subject=subject, **kwargs)

    make("Urgent bill", group=billing, priority="urgent")
    make("High bill", group=billing, priority="high")
    make("Low bill", group=billing, priority="low")
    make("Urgent other", priority="urgent")
    solved = make("Solved bill", group=billing, priority="urgent")
    ticket_update(ticket=solved, actor=acme_agent, status="solved")
    view = shared(
        acme,
        acme_admin,
        all_=[
            {"field": "group_id", "operator": "is", "value": billing.number},
            {"field": "status", "operator": "less_than", "value": "solved"},
        ],
        any_=[
            {"field": "priority", "operator": "is", "value": "urgent"},
            {"field": "priority", "operator": "is", "value": "high"},
        ],
    )
    assert subjects(view, acme_agent) == {"Urgent bill", "High bill"}


def test_current_user_and_unassigned(acme, acme_admin, acme_agent):
    other = AgentFactory(account=acme)
    make_ticket(account=acme, submitter=acme_agent, subject="Mine", assignee=acme_agent)
    make_ticket(account=acme, submitter=acme_agent, subject="Theirs", assignee=other)
    make_ticket(account=acme, submitter=acme_agent, subject="Nobody's")
    mine = shared(
        acme, acme_admin, [{"field": "assignee_id", "operator": "is", "value": "current_user"}]
    )
    nobody = shared(acme, acme_admin, [{"field": "assignee_id", "operator": "is", "value": None}])
    not_mine = shared(
        acme, acme_admin, [{"field": "assignee_id", "operator": "is_not", "value": "current_user"}]
    )
    assert subjects(mine, acme_agent) == {"Mine"}
    assert subjects(mine, other) == {"Theirs"}  # the same view, another viewer
    assert subjects(nobody, acme_agent) == {"Nobody's"}
    assert subjects(not_mine, acme_agent) == {"Theirs", "Nobody's"}


def test_tags_contain_and_do_not_contain_whole_words(acme, acme_admin, acme_agent):
    make_ticket(account=acme, submitter=acme_agent, subject="VIP", tags="vip refund")
    make_ticket(account=acme, submitter=acme_agent, subject="Almost", tags="vipish")
    make_ticket(account=acme, submitter=acme_agent, subject="None")
    has = shared(
        acme, acme_admin, [{"field": "current_tags", "operator": "includes", "value": "vip"}]
    )
    lacks = shared(
        acme, acme_admin, [{"field": "current_tags", "operator": "not_includes", "value": "vip"}]
    )
    assert subjects(has, acme_agent) == {"VIP"}
    assert subjects(lacks, acme_agent) == {"Almost", "None"}


def test_times_absolute_and_relative(acme, acme_admin, acme_agent):
    old = make_ticket(account=acme, submitter=acme_agent, subject="Old")
    Ticket.objects.for_account(acme).filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10)
    )
    make_ticket(account=acme, submitter=acme_agent, subject="New", due_at=timezone.now())

    def matching(field, operator, value=None):
        return subjects(
            shared(acme, acme_admin, [{"field": field, "operator": operator, "value": value}]),
            acme_agent,
        )

    assert matching("created_at", "within_last_days", 2) == {"New"}
    assert matching("created_at", "older_than_hours", 48) == {"Old"}
    week_ago = (timezone.now() - dt.timedelta(days=7)).date().isoformat()
    assert matching("created_at", "before", week_ago) == {"Old"}
    assert matching("created_at", "after", week_ago) == {"New"}
    assert matching("due_date", "is_set") == {"New"}
    assert matching("solved_at", "is_empty") == {"Old", "New"}


def test_channel_type_organization_and_privacy(acme, acme_admin, acme_agent, acme_user, private_on):
    make_ticket(
        account=acme, submitter=acme_agent, subject="Phoned", channel="phone", type="problem"
    )
    make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Customer's")
    make_ticket(account=acme, submitter=acme_agent, subject="Quiet", public=False)

    def matching(field, operator, value):
        return subjects(
            shared(acme, acme_admin, [{"field": field, "operator": operator, "value": value}]),
            acme_agent,
        )

    assert matching("via", "is", "phone") == {"Phoned"}
    assert matching("type", "is", "problem") == {"Phoned"}
    assert matching("organization_id", "is", acme_user.organization.number) == {"Customer's"}
    assert matching("requester_id", "is", acme_user.number) == {"Customer's"}
    assert matching("is_public", "is", False) == {"Quiet"}


def test_a_view_never_lists_a_ticket_its_viewer_could_not_open(acme, acme_admin, acme_user):
    make_ticket(account=acme, submitter=acme_admin, subject="Someone else's")
    view = shared(acme, acme_admin)  # no conditions: every ticket
    # An end user (were they ever handed a view) sees through tickets_visible_to only.
    assert subjects(view, acme_user) == set()
    assert views_for_agent(viewer=acme_user).count() == 0
    assert subjects(view, acme_admin) == {"Someone else's"}


def test_counts_are_one_query_for_many_views_and_capped(
    acme, acme_admin, acme_agent, django_assert_num_queries, monkeypatch
):
    from tickets import counts

    for i in range(4):
        make_ticket(account=acme, submitter=acme_agent, subject=f"T{i}")
    for i in range(5):
        shared(acme, acme_admin, title=f"Extra {i}")
    views = list(views_for_agent(viewer=acme_agent))
    assert len(views) == 13
    monkeypatch.setattr(counts, "VIEW_COUNT_CAP", 3)
    with django_assert_num_queries(1):
        found = view_counts(views=views, viewer=acme_agent)
    assert str(found[views[3].number]) == "3+"  # "Recently updated": over the cap
    assert found[views[0].number] == 0  # "Your unsolved tickets": none assigned
    assert str(counts.CappedCount(10_000)) == "10k+"


def test_sidebar_badges_are_capped_at_a_thousand_and_localised(
    acme, acme_agent, client_for, monkeypatch, settings
):
    """Issue 17's decision: the sidebar's badges read at most 1,001 entries each and show
    "1,000+" beyond (in the agent's language), while the API's views/count.json and the
    list page's own count keep their caps (10,000)."""
    from django.utils import translation

    from tickets import counts

    settings.VIEW_COUNT_CACHE_SECONDS = 0
    assert counts.SIDEBAR_COUNT_CAP == 1_000 and counts.VIEW_COUNT_CAP == 10_000
    expected = {"en": "1,000+", "it": "1.000+", "es": "1\xa0000+"}
    for language, text in expected.items():
        with translation.override(language):
            assert str(counts.CappedCount(counts.SIDEBAR_COUNT_CAP)) == text
    for i in range(3):
        make_ticket(account=acme, submitter=acme_agent, subject=f"T{i}")
    monkeypatch.setattr(counts, "SIDEBAR_COUNT_CAP", 2)
    page = client_for(acme_agent).get("/agent/views/unsolved/", follow=True).text
    assert "2+" in page.split("</nav>")[0]  # the sidebar's badge
    assert "3 tickets" in page  # the list's own count, exact
    views = list(views_for_agent(viewer=acme_agent))
    assert max(view_counts(views=views, viewer=acme_agent).values()) == 3  # the API's cap


def test_sidebar_counts_are_kept_briefly_per_agent_and_view(
    acme, acme_admin, acme_agent, django_assert_num_queries, settings, monkeypatch
):
    """The sidebar (view_counts_cached): counted once, then read from the cache until
    VIEW_COUNT_CACHE_SECONDS pass; an edited view is counted again, alone; another agent
    has counts of their own; a failing cache only means counting."""
    from django.core.cache import cache

    from tickets.view_selectors import view_counts_cached

    settings.VIEW_COUNT_CACHE_SECONDS = 30
    cache.clear()
    make_ticket(account=acme, submitter=acme_agent, subject="Counted")
    for i in range(5):
        shared(acme, acme_admin, title=f"Extra {i}")
    views = list(views_for_agent(viewer=acme_agent))
    assert len(views) == 13  # the eight defaults and five more
    with django_assert_num_queries(1):
        first = view_counts_cached(views=views, viewer=acme_agent)
    make_ticket(account=acme, submitter=acme_agent, subject="Not counted yet")
    with django_assert_num_queries(0):
        assert view_counts_cached(views=views, viewer=acme_agent) == first
    recent = views[3]
    view_update(view=recent, actor=acme_admin, title="Recent, renamed")
    with django_assert_num_queries(1):  # only the edited view is counted again
        again = view_counts_cached(views=views, viewer=acme_agent)
    assert again[recent.number] == first[recent.number] + 1
    assert again[views[2].number] == first[views[2].number]  # kept
    with django_assert_num_queries(1):
        assert view_counts_cached(views=views, viewer=acme_admin)[views[2].number] == 2

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get_many", broken)
    monkeypatch.setattr(cache, "set_many", broken)
    with django_assert_num_queries(1):
        assert view_counts_cached(views=views, viewer=acme_agent)[views[2].number] == 2


# --- Who sees and changes which view ---------------------------------------------------


def test_shared_views_for_groups_and_personal_views(acme, acme_admin, acme_agent, billing):
    other = AgentFactory(account=acme)
    for_billing = shared(
        acme, acme_admin, title="Billing only", visibility="groups", groups=[billing.number]
    )
    personal = view_create(account=acme, actor=other, title="Other's own")
    assert personal.visibility == View.Visibility.PERSONAL and personal.owner == other
    assert for_billing in views_for_agent(viewer=acme_agent)
    assert for_billing not in views_for_agent(viewer=other)
    assert personal in views_for_agent(viewer=other)
    assert personal not in views_for_agent(viewer=acme_agent)
    assert personal not in views_for_agent(viewer=acme_admin)
    # Personal views come after the shared ones.
    assert list(views_for_agent(viewer=other))[-1] == personal


def test_only_admins_share_and_only_owners_change_personal_views(acme, acme_admin, acme_agent):
    with pytest.raises(ValidationError, match="Only an admin may share"):
        view_create(account=acme, actor=acme_agent, title="Mine", visibility="everyone")
    team = shared(acme, acme_admin, title="Team")
    for change in (
        lambda: view_update(view=team, actor=acme_agent, title="Hijacked"),
        lambda: view_set_active(view=team, actor=acme_agent, active=False),
        lambda: view_delete(view=team, actor=acme_agent),
        lambda: views_reorder(
            account=acme, actor=acme_agent, numbers=[team.number], personal=False
        ),
    ):
        with pytest.raises(NotAllowed):
            change()
    own = view_create(account=acme, actor=acme_agent, title="Own")
    with pytest.raises(NotAllowed):
        view_update(view=own, actor=acme_admin, title="Admin's now")
    view_update(view=own, actor=acme_agent, title="Renamed")
    assert View.objects.for_account(acme).get(pk=own.pk).title == "Renamed"


def test_groups_view_needs_a_group(acme, acme_admin):
    with pytest.raises(ValidationError, match="at least one group"):
        shared(acme, acme_admin, visibility="groups", groups=[])


def test_columns_and_sort_are_checked(acme, acme_admin):
    with pytest.raises(ValidationError, match="Unknown columns: password"):
        shared(acme, acme_admin, columns=["subject", "password"])
    with pytest.raises(ValidationError, match="sorts by one of"):
        shared(acme, acme_admin, sort_by="requester__password")
    view = shared(acme, acme_admin, columns=["priority", "status"], sort_by="priority")
    assert view.columns == ["subject", "priority", "status"]  # the link is always there


def test_sorting_by_priority_goes_by_severity_not_alphabet(
    acme, acme_admin, acme_agent, client_for, monkeypatch
):
    """urgent > high > normal > low > none, both ways, and a keyset page boundary inside
    one priority keeps the order (Ticket.priority_rank)."""
    from tickets.view_selectors import view_ticket_list

    for priority in ("low", "urgent", "", "normal", "high", "urgent"):
        make_ticket(
            account=acme, submitter=acme_agent, subject=priority or "none", priority=priority
        )
    down = shared(acme, acme_admin, sort_by="priority", sort_order="desc")
    order = [t.priority for t in view_ticket_list(view=down, viewer=acme_agent)]
    assert order == ["urgent", "urgent", "high", "normal", "low", ""]
    order = [t.priority for t in view_ticket_list(view=down, viewer=acme_agent, sort="priority")]
    assert order == ["", "low", "normal", "high", "urgent", "urgent"]
    # The pages, one ticket each, walked by their Next links: the same order.
    import html
    import re

    import tickets.views.lists

    monkeypatch.setattr(tickets.views.lists, "PER_PAGE", 1)
    client, path, seen = client_for(acme_agent), f"/agent/views/{down.number}/", []
    link = ""
    for _ in range(7):
        page = client.get(path + link).content.decode()
        seen += re.findall(r'class="ticket-link"[^>]*>([^<]+)<', page)
        found = re.search(r'href="([^"]*)" rel="next"', page)
        if found is None:
            break
        link = html.unescape(found.group(1))
    assert seen == ["urgent", "urgent", "high", "normal", "low", "none"]


def test_clone_deactivate_and_reorder(acme, acme_admin, acme_agent):
    team = shared(acme, acme_admin, title="Team")
    copy = view_clone(view=team, actor=acme_admin)
    assert copy.title == "Copy of Team" and not copy.is_personal
    agents_copy = view_clone(view=team, actor=acme_agent)
    assert agents_copy.is_personal and agents_copy.owner == acme_agent
    view_set_active(view=team, actor=acme_admin, active=False)
    assert team not in views_for_agent(viewer=acme_agent)
    numbers = [v.number for v in views_for_agent(viewer=acme_admin)]
    views_reorder(account=acme, actor=acme_admin, numbers=[copy.number], personal=False)
    assert [v.number for v in views_for_agent(viewer=acme_admin)][0] == copy.number
    assert len(numbers) == len(list(views_for_agent(viewer=acme_admin)))


def test_every_new_account_starts_with_the_eight_default_views(db):
    account = AccountFactory(subdomain="fresh")
    agent = AgentFactory(account=account)
    views = list(views_for_agent(viewer=agent))
    assert [v.key for v in views] == [
        "mine",
        "unassigned",
        "unsolved",
        "recent",
        "pending",
        "solved",
        "private",
        "snoozed",
    ]
    assert [v.number for v in views] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_default_views_are_ordinary_editable_views(acme, acme_admin):
    unsolved = View.objects.for_account(acme).get(key="unsolved")
    view_update(view=unsolved, actor=acme_admin, title="Open work")
    assert View.objects.for_account(acme).get(pk=unsolved.pk).display_title == "Open work"
    view_set_active(view=unsolved, actor=acme_admin, active=False)
    assert unsolved not in views_for_agent(viewer=acme_admin)
