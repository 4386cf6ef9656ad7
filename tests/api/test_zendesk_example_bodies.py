"""Zendesk's own example request bodies, endpoint by endpoint (issue 23): the test walks
our OpenAPI document (/api/v2/openapi.json), finds each write operation in Zendesk's
description (../shared/zendesk-oas/support-oas.yaml), and sends its example body, with
the ids in it and in the path replaced by real objects of a factory-built account.
Every one is answered 2xx; DELIBERATE lists the refusals made on purpose, with why
(none today). Operations whose Zendesk description has no example body are not sent.

The examples are kept beside this test (zendesk_example_bodies.json, every write
operation's example in the description), so the test runs wherever the checkout is;
test_the_kept_examples_are_zendesks checks them against the description when shared/ is
beside the checkout."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import EndUserFactory, make_ticket
from tickets.models import CustomStatus

# shared/ beside the checkout (CI's layout), or where ZENDESK_OAS says (a worktree).
OAS_FILE = Path(
    os.environ.get("ZENDESK_OAS")
    or Path(settings.BASE_DIR).parent / "shared" / "zendesk-oas" / "support-oas.yaml"
)
KEPT = Path(__file__).with_name("zendesk_example_bodies.json")
# (method, our path): why it refuses Zendesk's example on purpose.
DELIBERATE: dict[tuple[str, str], str] = {}
PEOPLE_KEYS = ("requester_id", "submitter_id", "author_id", "assignee_id")


@cache
def _oas() -> dict:
    import yaml

    class _Loader(yaml.SafeLoader):
        """The description uses YAML's rare ``=`` (value) tag as a plain string."""

    _Loader.add_constructor(
        "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
    )
    with OAS_FILE.open() as f:
        return yaml.load(f, Loader=_Loader)  # noqa: S506  # SafeLoader plus one scalar tag


@cache
def _kept() -> dict:
    return json.loads(KEPT.read_text())


def _examples_of_the_description() -> dict:
    """Every write operation's example body in Zendesk's description, by "method path"."""
    found = {}
    for path, item in _oas()["paths"].items():
        for method in ("post", "put", "patch"):
            if method in item and (example := _example(item[method])) is not None:
                found[f"{method} {_norm(path)}"] = example
    return found


def _deref(node):
    while isinstance(node, dict) and "$ref" in node:
        target = _oas()
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _norm(path: str) -> str:
    return re.sub(r"\{\w+\}", "{}", path)


def _example(operation: dict):
    content = _deref(operation.get("requestBody", {})).get("content", {})
    body = content.get("application/json", {})
    if body.get("examples"):
        return _deref(next(iter(body["examples"].values()))).get("value")
    return body.get("example")


def _with_real_ids(value, ids: dict):
    if isinstance(value, list):
        return [_with_real_ids(v, ids) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "custom_status_id" and isinstance(item, int):
            out[key] = ids["custom_status"]
        elif key in PEOPLE_KEYS and isinstance(item, int):
            out[key] = ids["person"]
        elif key == "ids" and isinstance(item, list):
            out[key] = ids["tickets"]
        else:
            out[key] = _with_real_ids(item, ids)
    return out


def test_every_implemented_operation_takes_zendesks_example_body(
    api_for, acme, acme_admin, acme_org
):
    api = api_for(acme_admin)
    examples = _kept()
    sent, failed = [], []
    created: dict[str, int] = {}  # collection: the number of the object its POST made
    for path, operations in api.get("openapi.json").json()["paths"].items():
        theirs = _norm("/api/v2" + path.removesuffix(".json").replace(".json", ""))
        for method in operations:
            if method not in {"post", "put", "patch"}:
                continue
            example = examples.get(f"{method} {theirs}")
            if example is None:
                continue
            ticket = make_ticket(account=acme, subject="Example target")
            user = EndUserFactory(account=acme)
            ids = {
                "custom_status": CustomStatus.objects.for_account(acme)
                .filter(category="open")
                .first()
                .number,
                "person": acme_admin.number,
                "tickets": [
                    make_ticket(account=acme, subject=f"Source {i}").number for i in range(3)
                ],
            }

            def in_path(match, url=path, ticket=ticket, user=user):
                collection = url.split("/")[1].removesuffix(".json")
                if collection in created:
                    return str(created[collection])
                if url.startswith("/users"):
                    return str(user.number)
                if url.startswith("/organizations"):
                    return str(acme_org.number)
                return str(ticket.number)

            url = re.sub(r"\{(\w+)\}", in_path, path).lstrip("/")
            response = getattr(api, method)(url, _with_real_ids(example, ids), format="json")
            sent.append((method, path))
            body = response.json() if response.status_code == 201 else {}
            made = [v for v in body.values() if isinstance(v, dict) and "id" in v]
            if method == "post" and path.count("/") == 1 and made:
                created[path.strip("/").removesuffix(".json")] = made[0]["id"]
            if response.status_code >= 300 and (method, path) not in DELIBERATE:
                failed.append((method, path, response.status_code, response.content[:300]))
    assert failed == []
    # The walk reaches the operations that have an example (15 when this was written).
    assert len(sent) >= 15, sent


def test_the_kept_examples_are_zendesks():
    """zendesk_example_bodies.json is the description's examples, no more, no less."""
    if not OAS_FILE.exists():
        pytest.skip("Zendesk's description (shared/) is not beside this checkout")
    assert _kept() == json.loads(json.dumps(_examples_of_the_description()))
