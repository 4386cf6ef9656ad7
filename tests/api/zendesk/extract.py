"""Regenerate ``oas-extract.json``: the parts of Zendesk's own OpenAPI description
(support-oas.yaml, as published by Zendesk and vendored verbatim by botbrains-io/python-
zendesk at 486f023) that the API tests check against: named schemas with everything they
reference, and named example bodies.

    python tests/api/zendesk/extract.py ../shared/zendesk-oas/support-oas.yaml

The whole description is 1.2 MB; the tests need a few of its objects, kept here so a
fresh clone runs them. Add a name to SCHEMAS or EXAMPLES and run this again."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

SCHEMAS = [
    "GroupResponse",
    "GroupsResponse",
    "JobStatusResponse",
    "OrganizationResponse",
    "UserResponse",
    "AttachmentUploadResponse",
    "MacroResponse",
    "MacrosResponse",
    "MacroApplyTicketResponse",
    "TicketAuditsResponseNoneCursor",
    "TicketAuditResponse",
    "TagsResponse",
    "TagsByObjectIdResponse",
    "TicketResponse",
    "UsersResponse",
    "OrganizationsResponse",
    "CustomStatusesResponse",
    "TicketFieldsResponse",
    "TicketFormsResponse",
    "UserFieldsResponse",
    "OrganizationFieldsResponse",
    "ViewsResponse",
    "ViewCountResponse",
    "SLAPoliciesResponse",
]
EXAMPLES = [
    "UserRequestExample",
    "UpdateOrganizationResponseExample",
    "TagsByObjectIdResponse",
    "TicketsCreateRequestExample",
    "UsersCreateManyRequestExample",
    "TicketImportRequestExample",
    "TicketBulkImportRequestExample",
]
# Example request bodies written in an operation's description, not as components.
DESCRIPTION_EXAMPLES = {
    "UpdateOrganizationRequestExample": {"organization": {"notes": "Something interesting"}},
    # "Create Many Organizations" gives no body in the description: the documented shape.
    "CreateManyOrganizationsRequestExample": {
        "organizations": [{"name": "Org Name 1"}, {"name": "Org Name 2"}]
    },
}
OUT = Path(__file__).with_name("oas-extract.json")


def _refs(value) -> set[str]:
    if isinstance(value, dict):
        found = set()
        ref = value.get("$ref", "")
        if ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for item in value.values():
            found |= _refs(item)
        return found
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value)) if value else set()
    return set()


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads a bare ``=`` as the "value" tag; the description means the text."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: node.value)


def main(source: str) -> None:
    components = yaml.load(Path(source).read_text(), Loader=_Loader)["components"]  # noqa: S506
    schemas, todo = {}, list(SCHEMAS)
    while todo:
        name = todo.pop()
        if name not in schemas:
            schemas[name] = components["schemas"][name]
            todo += sorted(_refs(schemas[name]))
    examples = {name: components["examples"][name]["value"] for name in EXAMPLES}
    examples |= DESCRIPTION_EXAMPLES
    extract = {
        "source": "Zendesk Support API OpenAPI description (support-oas.yaml)",
        "schemas": dict(sorted(schemas.items())),
        "examples": examples,
    }
    OUT.write_text(json.dumps(extract, indent=1, sort_keys=True) + "\n")
    print(f"{len(schemas)} schemas, {len(examples)} examples → {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
