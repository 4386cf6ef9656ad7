"""The OpenAPI description of ``POST /tickets/{id}/merge.json`` (ticketlinks.api), in
Zendesk's shape (TicketMergeInput; answered with a job status)."""

from __future__ import annotations

from api.openapi.components import NUMBER, envelope, obj, ref

MERGE_INPUT = obj(
    {
        "ids": {"type": "array", "items": NUMBER, "minItems": 1, "maxItems": 50},
        "target_comment": {"type": "string", "nullable": True},
        "source_comment": {"type": "string", "nullable": True},
        "target_comment_is_public": {"type": "boolean"},
        "source_comment_is_public": {"type": "boolean"},
    },
    required=("ids",),
)


def paths(*, op, id_param) -> dict:
    """Built with api.openapi's helpers (passed in: that module imports this one)."""
    return {
        "/tickets/{id}/merge.json": {
            "post": op(
                "Merge the tickets in ids into this one: each is closed with a note, its "
                "comments copied (internal where the target's audience could not see them)",
                "Tickets",
                params=[id_param],
                body=MERGE_INPUT,
                result=envelope("job_status", ref("JobStatus")),
            ),
        },
    }
