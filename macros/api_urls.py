"""The macros' API routes, under /api/v2/ beside the API's own (with and without .json)."""

from api.urls import json_path
from macros import api

app_name = "macros_api"

urlpatterns = [
    *json_path("macros", api.MacroList.as_view(), "macros"),
    *json_path("macros/active", api.MacroActive.as_view(), "macros_active"),
    *json_path("macros/<num:number>", api.MacroDetail.as_view(), "macro"),
    *json_path(
        "tickets/<num:number>/macros/<num:macro_number>/apply",
        api.MacroApply.as_view(),
        "macro_apply",
    ),
]
