"""A production environment for a process of its own (DEBUG off), on the test database."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from django.db import connection

from tests.test_deploy import clean_env


def production_env(**overrides: str) -> dict[str, str]:
    database = connection.settings_dict
    url = (
        f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}"
        f"@{database['HOST']}:{database['PORT']}/{quote(database['NAME'])}"
    )
    return clean_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        BASE_DOMAIN="helpdesk.example.com",
        DATABASE_URL=url,
        **overrides,
    )
