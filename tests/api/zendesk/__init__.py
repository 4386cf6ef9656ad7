"""Zendesk's own contract for the API tests: ``example(name)`` gives an example body from
Zendesk's OpenAPI description, ``assert_matches(body, schema_name)`` checks an answer
against one of its response schemas (oas-extract.json, made by extract.py).

OpenAPI 3.0 is read as JSON Schema with one allowance: the description marks almost no
field nullable while Zendesk itself answers ``null`` for unset values (its README says
so), so every typed value may also be null. A value of the wrong type, a list where an
object belongs, a missing envelope still fail."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import jsonschema_rs

EXTRACT = Path(__file__).with_name("oas-extract.json")


@cache
def _extract() -> dict:
    return json.loads(EXTRACT.read_text())


def example(name: str) -> dict:
    return copy.deepcopy(_extract()["examples"][name])


def _as_json_schema(value):
    if isinstance(value, list):
        return [_as_json_schema(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key == "$ref":
            out[key] = item.replace("#/components/schemas/", "#/$defs/")
        elif key in ("example", "nullable", "readOnly", "writeOnly", "format"):
            continue
        elif key == "properties":
            out[key] = {name: _as_json_schema(prop) for name, prop in item.items()}
        else:
            out[key] = _as_json_schema(item)
    if isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]  # an unset type or priority is null
    return out


@cache
def _validator(name: str):
    defs = {k: _as_json_schema(v) for k, v in _extract()["schemas"].items()}
    return jsonschema_rs.Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})


def assert_matches(body: dict, schema_name: str) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in _validator(schema_name).iter_errors(body)]
    assert not errors, f"not Zendesk's {schema_name}: {errors[:5]}"
