"""The users' incremental export reports a deleted user once more, as Zendesk does
(issue 23): ``active: false``, its personal data null, "Permanently Deleted User", in
the (updated_at, id) order of the walk, so a sync tool deactivates or removes its copy.
A user is deleted by an erasure (privacy) and by a merge into another user."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.api.test_incremental import LONG_AGO, _walk, assert_matches
from tests.factories import AdminFactory, EndUserFactory
from tickets.services.privacy import person_erase
from tickets.services.user_merge import users_merge


@pytest.fixture(autouse=True)
def _no_horizon(settings):
    settings.API_INCREMENTAL_HORIZON_SECONDS = 0
    settings.API_INCREMENTAL_RATE_LIMIT = "1000/min"
    cache.clear()


def test_erased_and_merged_users_are_exported_inactive(
    api_for, acme, acme_admin, globex, globex_user
):
    admin_api = api_for(acme_admin)
    erased = EndUserFactory(account=acme, email="erase@acme.example", name="Erin Erased")
    merged = EndUserFactory(account=acme, email="merge@acme.example", name="Mo Merged")
    kept = EndUserFactory(account=acme, email="keep@acme.example", name="Kim Kept")
    first = admin_api.get(f"incremental/users/cursor.json?start_time={LONG_AGO}").json()
    assert {erased.number, merged.number, kept.number} <= {u["id"] for u in first["users"]}

    person_erase(person=erased, actor=acme_admin)
    users_merge(source=merged, target=kept, actor=acme_admin)
    person_erase(person=globex_user, actor=AdminFactory(account=globex))
    again = admin_api.get(first["after_url"]).json()
    assert_matches(again, "CursorBasedExportIncrementalUsersResponse")
    # (The erasure's placeholder author, a live inactive user, comes along too.)
    gone = {u["id"]: u for u in again["users"] if u["name"] == "Permanently Deleted User"}
    assert set(gone) == {erased.number, merged.number}  # not the other account's
    # The merge's target gained the source's address: listed again, active.
    [target] = [u for u in again["users"] if u["id"] == kept.number]
    assert target["active"] is True
    for row in gone.values():
        assert row["name"] == "Permanently Deleted User"
        assert row["email"] is None and row["phone"] is None
        assert row["role"] == "end-user" and row["active"] is False

    # From the start, a walk lists every user once, the deleted ones inactive.
    rows = _walk(
        admin_api, f"incremental/users/cursor.json?start_time={LONG_AGO}&per_page=1", "users"
    )
    ids = [u["id"] for u in rows]
    assert len(ids) == len(set(ids))
    assert {erased.number, merged.number} <= {u["id"] for u in rows if not u["active"]}
