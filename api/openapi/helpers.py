"""The building blocks of the OpenAPI description's operations: parameters, the error
answers every operation shares, an operation, a list envelope."""

from __future__ import annotations

from api.openapi.components import NULLABLE_TEXT, NUMBER, TEXT, obj, ref


def query(name: str, schema: dict, description: str = "") -> dict:
    param = {"name": name, "in": "query", "required": False, "schema": schema}
    if description:
        param["description"] = description
    return param


PAGE_PARAMS = [
    query("page", {"type": "integer", "minimum": 1}, "Offset pagination: the page number."),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
    query("page[size]", {"type": "integer", "minimum": 1, "maximum": 100}, "Cursor pagination."),
    query("page[after]", TEXT),
    query("page[before]", TEXT),
]
SORT_PARAMS = [
    query(
        "sort_by",
        {"type": "string", "enum": ["id", "created_at", "updated_at", "status", "priority"]},
    ),
    query("sort_order", {"type": "string", "enum": ["asc", "desc"]}),
]
INCLUDE = query(
    "include", TEXT, "Side-loads, comma separated: users, groups, organizations (ticket lists)."
)
IDS = {
    "name": "ids",
    "in": "query",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{1,9}(,[0-9]{1,9}){0,99}$"},
    "description": "Comma-separated ids, at most 100.",
}
ID = {"name": "id", "in": "path", "required": True, "schema": NUMBER}

ERRORS = {
    "400": "Malformed request (invalid JSON, bad cursor).",
    "401": "Missing or invalid credentials.",
    "403": "The caller's role may not use this endpoint.",
    "404": "No such record in this account (RecordNotFound).",
    "411": "A streamed (chunked) body this server cannot read: send Content-Length.",
    "413": "Request body too large.",
    "422": "RecordInvalid, with details per field.",
    "429": "Rate limit exceeded for this account; see Retry-After.",
}


def responses(ok_status: str, ok_schema: dict | None) -> dict:
    error = {"content": {"application/json": {"schema": ref("Error")}}}
    responses = {code: {"description": text, **error} for code, text in ERRORS.items()}
    if ok_schema is None:
        responses[ok_status] = {"description": "Done."}
    else:
        responses[ok_status] = {
            "description": "Success.",
            "content": {"application/json": {"schema": ok_schema}},
        }
    return responses


def op(
    summary: str,
    tag: str,
    *,
    params: list | None = None,
    body: dict | None = None,
    ok: str = "200",
    result: dict | None = None,
    public: bool = False,
) -> dict:
    operation = {
        "summary": summary,
        "tags": [tag],
        "parameters": params or [],
        "responses": responses(ok, result),
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if public:
        operation["security"] = []
    return operation


def list_of(key: str, item: str, *, extra: dict | None = None) -> dict:
    schema = obj(
        {
            key: {"type": "array", "items": ref(item)},
            "count": {"type": "integer"},
            "next_page": NULLABLE_TEXT,
            "previous_page": NULLABLE_TEXT,
            "meta": {"type": "object"},
            "links": {"type": "object"},
            **(extra or {}),
        },
        required=(key,),
    )
    return schema
