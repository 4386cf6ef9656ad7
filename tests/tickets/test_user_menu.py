"""The agent's own menu under their name in the top bar: their profile, their own macros,
their language and time zone, signing out. A <details> disclosure: keyboard and no
JavaScript suffice."""

from __future__ import annotations

import re

import pytest


def user_menu(html: str) -> str:
    [menu] = re.findall(r'<details class="[^"]*\buser-menu\b[^"]*">(.*?)</details>', html, re.S)
    return menu


@pytest.mark.parametrize("path", ["/agent/", "/agent/tickets/new/", "/agent/settings/"])
def test_user_menu_under_the_name_leads_to_profile_preferences_and_sign_out(
    path, acme_admin, client_for
):
    menu = user_menu(client_for(acme_admin).get(path).text)
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", menu, re.S).group(1)
    assert "Ada Admin" in summary
    links = dict(
        (text.strip(), href) for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', menu)
    )
    assert links == {
        "Your profile": f"/agent/users/{acme_admin.number}/",
        "Your macros": "/agent/macros/",
        "Language and time zone": "/preferences/",
        "Sign-in and security": "/security/",  # two-factor sign-in, sessions (issue 21)
    }
    assert 'action="/signout/"' in menu and ">Sign out</button>" in menu
    assert 'role="menu' not in menu  # links in a disclosure, not an ARIA menu needing scripts


def test_own_profile_links_to_the_preferences_and_anothers_does_not(
    acme_agent, acme_user, client_for
):
    client = client_for(acme_agent)
    own = client.get(f"/agent/users/{acme_agent.number}/").text
    other = client.get(f"/agent/users/{acme_user.number}/").text
    assert 'profile-fields"' in own
    assert own.count('href="/preferences/"') == 2  # the menu and the profile
    assert other.count('href="/preferences/"') == 1  # the menu only
