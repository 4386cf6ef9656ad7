"""The OpenAPI paths and schemas of satisfaction ratings (api/views/satisfaction.py),
merged into the description by api.openapi."""

from __future__ import annotations

from collections.abc import Callable

from api.openapi.components import (
    NULLABLE_NUMBER,
    NULLABLE_TEXT,
    NUMBER,
    TEXT,
    TIMESTAMP,
    envelope,
    obj,
    ref,
)

# A rating row reads "offered" from the survey email until the requester answers.
SCORE = {"type": "string", "enum": ["offered", "good", "bad"]}
GIVEN_SCORE = {"type": "string", "enum": ["good", "bad"]}
SCORE_FILTERS = [
    "offered",
    "unoffered",
    "received",
    "received_with_comment",
    "received_without_comment",
    "good",
    "good_with_comment",
    "good_without_comment",
    "bad",
    "bad_with_comment",
    "bad_without_comment",
]

SCHEMAS = {
    "SatisfactionRating": obj(
        {
            "id": NUMBER,
            "url": TEXT,
            "assignee_id": NULLABLE_NUMBER,
            "group_id": NULLABLE_NUMBER,
            "requester_id": NULLABLE_NUMBER,
            "ticket_id": NUMBER,
            "score": SCORE,
            "comment": TEXT,
            "reason": NULLABLE_TEXT,
            "reason_id": NULLABLE_NUMBER,
            "created_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
        },
        required=("id", "ticket_id", "score"),
    ),
    "SatisfactionRatingCreate": obj(
        {"score": GIVEN_SCORE, "comment": TEXT, "reason_id": NUMBER}, required=("score",)
    ),
}


def paths(*, op: Callable, query: Callable, id_param: dict) -> dict:
    one = envelope("satisfaction_rating", ref("SatisfactionRating"))
    epoch = {"type": "integer", "minimum": 0}
    return {
        "/satisfaction_ratings.json": {
            "get": op(
                "List satisfaction ratings (admins)",
                "Satisfaction Ratings",
                params=[
                    query("score", {"type": "string", "enum": SCORE_FILTERS}),
                    query("start_time", epoch, "Changed at or after (Unix time)."),
                    query("end_time", epoch, "Changed at or before (Unix time)."),
                ],
                result=obj(
                    {
                        "satisfaction_ratings": {
                            "type": "array",
                            "items": ref("SatisfactionRating"),
                        }
                    },
                    required=("satisfaction_ratings",),
                ),
            )
        },
        "/satisfaction_ratings/count.json": {
            "get": op(
                "Count satisfaction ratings (admins)",
                "Satisfaction Ratings",
                result=obj({"count": obj({"value": NUMBER, "refreshed_at": TIMESTAMP})}),
            )
        },
        "/satisfaction_ratings/{id}.json": {
            "get": op(
                "Show a satisfaction rating (admins)",
                "Satisfaction Ratings",
                params=[id_param],
                result=one,
            )
        },
        "/tickets/{id}/satisfaction_rating.json": {
            "post": op(
                "Rate a solved ticket (its requester)",
                "Satisfaction Ratings",
                params=[id_param],
                body=envelope("satisfaction_rating", ref("SatisfactionRatingCreate")),
                result=one,
            )
        },
    }
