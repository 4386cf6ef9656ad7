"""Satisfaction ratings' API routes (issue 26), beside the API's own."""

from api.urls import json_path
from api.views import satisfaction

app_name = "satisfaction_api"

urlpatterns = [
    *json_path(
        "satisfaction_ratings",
        satisfaction.SatisfactionRatingList.as_view(),
        "satisfaction_ratings",
    ),
    *json_path(
        "satisfaction_ratings/count",
        satisfaction.SatisfactionRatingCount.as_view(),
        "satisfaction_ratings_count",
    ),
    *json_path(
        "satisfaction_ratings/<num:number>",
        satisfaction.SatisfactionRatingDetail.as_view(),
        "satisfaction_rating",
    ),
    *json_path(
        "tickets/<num:number>/satisfaction_rating",
        satisfaction.TicketSatisfactionRating.as_view(),
        "ticket_satisfaction_rating",
    ),
]
