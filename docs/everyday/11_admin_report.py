from datetime import datetime, timedelta, timezone


# task: admin report
def admin_report(admin):
    week_ago = datetime.now(timezone.utc) - timedelta(days=7)
    params = {"starting_at": week_ago.strftime("%Y-%m-%dT%H:%M:%SZ"), "group_by[]": ["model"]}
    per_model = {}
    while True:
        page = admin.get(
            "/v1/organizations/usage_report/messages", cast_to=object, options={"params": params}
        )
        for bucket in page["data"]:
            for result in bucket["results"]:
                model = result["model"] or ""
                per_model[model] = per_model.get(model, 0) + result["output_tokens"]
        if not page["has_more"]:
            return sorted(per_model.items())
        params["page"] = page["next_page"]
# end
