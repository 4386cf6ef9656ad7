"""The OpenAPI document lists every endpoint the API implements: each route under
/api/v2/ (api.urls and the apps' api_urls), with each method its view answers."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver

from api.openapi import openapi_schema

METHODS = ("get", "post", "put", "delete")


def _api_routes():
    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    for route, callback in walk(get_resolver("helpdesk.urls_tenant").url_patterns):
        if route.startswith("api/v2/") and route.endswith(".json"):
            yield route.removeprefix("api/v2"), callback


def _shape(path: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_api_route_and_method_is_in_the_openapi_document():
    described = {
        _shape(path): set(item) & set(METHODS)
        for path, item in openapi_schema(server_url="http://x/api/v2")["paths"].items()
    }
    missing = []
    for route, callback in _api_routes():
        if route == "/openapi.json":
            continue  # the document itself
        view = getattr(callback, "view_class", None)
        methods = {m for m in METHODS if view is not None and hasattr(view, m)}
        if _shape(route) not in described:
            missing.append(route)
            continue
        missing += [f"{m.upper()} {route}" for m in sorted(methods - described[_shape(route)])]
    assert missing == [], missing


def test_the_new_calls_are_described():
    paths = openapi_schema(server_url="http://x/api/v2")["paths"]
    assert "delete" in paths["/organizations/{id}.json"]
    for path in (
        "/tickets/create_many.json",
        "/users/create_many.json",
        "/users/create_or_update.json",
        "/organizations/create_many.json",
        "/imports/tickets.json",
        "/imports/tickets/create_many.json",
    ):
        assert "post" in paths[path], path
    assert "delete" in paths["/tickets/destroy_many.json"]


def test_every_path_template_names_its_parameters():
    """Each ``{name}`` in a path is a path parameter of every operation under it (a
    client generator, schemathesis included, refuses the document otherwise)."""
    missing = []
    for path, operations in openapi_schema(server_url="http://acme.localhost/api/v2")[
        "paths"
    ].items():
        wanted = set(re.findall(r"{(\w+)}", path))
        for method, operation in operations.items():
            given = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            if wanted != given:
                missing.append(f"{method.upper()} {path}: {sorted(wanted ^ given)}")
    assert missing == []
