"""The SLA policies' API routes, under /api/v2/ beside the API's own (with and without .json)."""

from api.urls import json_path
from servicelevels import api

app_name = "sla_api"

urlpatterns = [
    *json_path("slas/policies", api.SlaPolicyList.as_view(), "sla_policies"),
    *json_path("slas/policies/<num:number>", api.SlaPolicyDetail.as_view(), "sla_policy"),
]
