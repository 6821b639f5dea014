"""The OpenAPI document describes every API route there is."""
import re


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = _openapi_path(rule.rule)
        assert path in doc["paths"], f"{path} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], f"{method} {path} undocumented"


def test_every_schema_reference_resolves(client):
    doc = client.get("/api/openapi.json").json
    text = str(doc)
    for name in set(re.findall(r"#/components/schemas/(\w+)", text)):
        assert name in doc["components"]["schemas"], name
    for name in set(re.findall(r"#/components/responses/(\w+)", text)):
        assert name in doc["components"]["responses"], name


def test_document_is_valid_openapi(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/openapi.json").json)
