"""user_fields.json and organization_fields.json (issue 19), and the values on users and
organizations in the API: agents read and write them, end users never get them."""

from __future__ import annotations


def test_api_user_and_organization_fields_round_trip(
    acme, acme_admin, acme_agent, acme_user, api_for
):
    admin = api_for(acme_admin)
    made = admin.post(
        "user_fields.json",
        {
            "user_field": {
                "type": "tagger",
                "title": "Plan",
                "custom_field_options": [{"name": "Pro", "value": "pro"}],
            }
        },
    )
    assert made.status_code == 201, made.content
    plan = made.json()["user_field"]
    assert plan["key"] == str(plan["id"]) and plan["custom_field_options"][0]["value"] == "pro"
    agent = api_for(acme_agent)
    assert agent.get("user_fields.json").json()["count"] == 1
    assert (
        agent.post("user_fields.json", {"user_field": {"type": "text", "title": "x"}}).status_code
        == 403
    )
    updated = agent.put(
        f"users/{acme_user.number}.json", {"user": {"user_fields": {plan["key"]: "pro"}}}
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["user"]["user_fields"] == {plan["key"]: "pro"}
    bad = agent.put(
        f"users/{acme_user.number}.json", {"user": {"user_fields": {plan["key"]: "gold"}}}
    )
    assert bad.status_code == 422 and "gold" in bad.content.decode()
    # The end user reading their own profile gets no fields.
    me = api_for(acme_user).get("users/me.json").json()["user"]
    assert me["user_fields"] == {}
    org_field = admin.post(
        "organization_fields.json", {"organization_field": {"type": "checkbox", "title": "VIP"}}
    ).json()["organization_field"]
    org = agent.post(
        "organizations.json",
        {"organization": {"name": "Initech", "organization_fields": {org_field["key"]: True}}},
    )
    assert org.status_code == 201, org.content
    assert org.json()["organization"]["organization_fields"] == {org_field["key"]: True}
    assert admin.delete(f"organization_fields/{org_field['id']}.json").status_code == 204
