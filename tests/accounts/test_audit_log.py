"""The admins' audit log: each admin action writes one entry (who, what, before/after,
from where) in the transaction of the change; admins read and filter it; agents, end
users and other accounts' admins never do."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.identity_models import AuditEntry
from accounts.services import account_settings_update, agent_deactivate, agent_set_role
from accounts.two_factor import totp_reset
from accounts.user_services import (
    invitation_send,
    user_invite,
    user_reactivate,
    user_suspend,
    user_update,
)
from accounts.user_sessions import user_sign_out_everywhere
from tests.factories import AgentFactory

A = AuditEntry.Action


def entries(account):
    return list(AuditEntry.objects.for_account(account).order_by("id"))


def last(account) -> AuditEntry:
    return AuditEntry.objects.for_account(account).latest("id")


def test_settings_change_is_recorded_with_before_and_after(acme, acme_admin):
    account_settings_update(
        account=acme, actor=acme_admin, agents_require_2fa=True, max_attachments_per_message=7
    )
    entry = last(acme)
    assert entry.action == A.SETTINGS_CHANGED
    assert entry.actor == acme_admin and entry.actor_name == "Ada Admin <admin@acme.example>"
    assert entry.changes == {
        "agents_require_2fa": [False, True],
        "max_attachments_per_message": [5, 7],
    }


def test_saving_unchanged_settings_records_nothing(acme, acme_admin):
    account_settings_update(account=acme, actor=acme_admin, max_attachments_per_message=5)
    assert entries(acme) == []


def test_role_changes_are_recorded(acme, acme_admin, acme_agent, acme_user):
    agent_set_role(user=acme_agent, role="admin", actor=acme_admin)
    assert (last(acme).action, last(acme).changes) == (A.ROLE_CHANGED, {"role": ["agent", "admin"]})
    user_update(user=acme_user, actor=acme_admin, role="agent")
    assert (last(acme).action, last(acme).target) == (A.ROLE_CHANGED, str(acme_user))


def test_profile_edits_suspension_reactivation_and_deactivation_are_recorded(
    acme, acme_admin, acme_agent, acme_user
):
    user_update(user=acme_user, actor=acme_admin, phone="+39 02 1234")
    assert last(acme).action == A.USER_UPDATED
    assert last(acme).changes == {"phone": ["", "+39 02 1234"]}
    user_suspend(user=acme_user, actor=acme_admin)
    assert last(acme).action == A.USER_SUSPENDED
    user_reactivate(user=acme_user, actor=acme_admin)
    assert last(acme).action == A.USER_REACTIVATED
    agent_deactivate(user=acme_agent, actor=acme_admin)
    assert last(acme).action == A.AGENT_DEACTIVATED


def test_invitations_are_recorded(acme, acme_admin):
    user = user_invite(
        account=acme, actor=acme_admin, name="Nia New", email="nia@acme.example", role="agent"
    )
    assert (last(acme).action, last(acme).changes) == (A.USER_INVITED, {"role": [None, "agent"]})
    invitation_send(user=user, actor=acme_admin)
    assert [e.action for e in entries(acme)] == [A.USER_INVITED, A.USER_INVITED]


def test_sign_out_everywhere_and_two_factor_reset_are_recorded(acme, acme_admin, acme_agent):
    user_sign_out_everywhere(user=acme_agent, actor=acme_admin)
    assert last(acme).action == A.SIGNED_OUT
    totp_reset(user=acme_agent, actor=acme_admin)
    assert last(acme).action == A.TWO_FACTOR_RESET


def test_a_refused_change_leaves_no_entry(acme, acme_admin):
    with pytest.raises(ValidationError):
        agent_set_role(user=acme_admin, role="agent", actor=acme_admin)  # the last admin
    assert entries(acme) == []


def test_a_change_undone_by_a_later_failure_takes_its_entry_with_it(acme, acme_admin, monkeypatch):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        account_settings_update(account=acme, actor=acme_admin, agents_require_2fa=True)
        raise RuntimeError
    assert entries(acme) == []


def test_pages_record_the_client_address(acme, acme_admin, acme_agent, client_for):
    client = client_for(acme_admin)
    client.post(f"/agent/settings/users/{acme_agent.number}/sign-out/", REMOTE_ADDR="203.0.113.9")
    assert last(acme).ip == "203.0.113.9"


def test_admins_read_and_filter_the_log(acme, acme_admin, acme_agent, acme_user, client_for):
    other_admin = AgentFactory(account=acme, role="admin", name="Otto Other")
    user_suspend(user=acme_user, actor=acme_admin)
    agent_set_role(user=acme_agent, role="admin", actor=other_admin)
    client = client_for(acme_admin)
    page = client.get("/agent/settings/audit/").text
    assert "User suspended" in page and "Role changed" in page and "Uma User" in page
    only = client.get("/agent/settings/audit/?action=user.suspended").text
    assert "User suspended" in only and "Alan Agent" not in only
    by_otto = client.get(f"/agent/settings/audit/?actor={other_admin.number}").text
    assert "Alan Agent" in by_otto and "Uma User" not in by_otto
    assert client.get("/agent/settings/audit/?actor=zz&action=nope").status_code == 200


def test_agents_end_users_and_other_accounts_cannot_read_it(
    acme, acme_admin, acme_agent, acme_user, globex, globex_agent, client_for
):
    user_suspend(user=acme_user, actor=acme_admin)
    assert client_for(acme_agent).get("/agent/settings/audit/").status_code == 403
    refused = client_for(acme_user).get("/agent/settings/audit/")
    assert refused.status_code in (302, 404) and "Uma User" not in refused.text
    globex_admin = AgentFactory(account=globex, role="admin")
    page = client_for(globex_admin).get("/agent/settings/audit/")
    assert page.status_code == 200 and "Uma User" not in page.text


def test_the_log_pages_by_keyset(acme, acme_admin, acme_user, client_for, monkeypatch):
    import html
    import re

    import tickets.views.admin_identity

    monkeypatch.setattr(tickets.views.admin_identity, "PER_PAGE", 2)
    for _ in range(3):
        user_suspend(user=acme_user, actor=acme_admin)
        user_reactivate(user=acme_user, actor=acme_admin)
    client = client_for(acme_admin)
    first = client.get("/agent/settings/audit/").text
    link = html.unescape(re.search(r'href="([^"]*)" rel="next"', first).group(1))
    assert "cursor=" in link
    second = client.get("/agent/settings/audit/" + link)
    assert second.status_code == 200 and "Page 2 of 3" in second.text


def test_deletions_are_recorded(acme, acme_admin, acme_agent, acme_user):
    from macros.services import macro_create, macro_delete
    from tests.factories import make_ticket
    from tickets.services import ticket_delete
    from tickets.services.saved_views import view_create, view_delete

    ticket = make_ticket(account=acme, submitter=acme_agent, requester=acme_user, subject="Old")
    ticket_delete(ticket=ticket, actor=acme_agent)
    assert (last(acme).action, last(acme).target) == (A.TICKET_DELETED, f"#{ticket.number} Old")
    view = view_create(account=acme, actor=acme_admin, title="Billing queue")
    view_delete(view=view, actor=acme_admin)
    assert (last(acme).action, last(acme).target) == (A.VIEW_DELETED, "Billing queue")
    macro = macro_create(
        account=acme,
        actor=acme_admin,
        title="Close politely",
        actions=[{"field": "status", "value": "solved"}],
    )
    macro_delete(macro=macro, actor=acme_admin)
    assert (last(acme).action, last(acme).target) == (A.MACRO_DELETED, "Close politely")


def test_an_export_of_the_account_is_recorded(acme, tmp_path):
    from accounts.portability.exporting import account_export

    account_export(account=acme, path=tmp_path / "acme.tar.gz")
    entry = last(acme)
    assert (entry.action, entry.actor, entry.changes) == (
        A.EXPORTED,
        None,
        {"with_passwords": [None, False]},
    )
