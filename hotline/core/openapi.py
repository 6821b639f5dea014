"""The OpenAPI 3.1 document at /api/openapi.json, generated from the routes themselves.

A view declares its documentation beside its route:

    @bp.post("/v1/tickets/<number>/cancel")
    @operation("Cancel a wrong ticket with a reason (nothing is deleted)",
               path=TicketNumber, body=TicketCancel, response=TicketOut, returns="The cancelled ticket")
    @require(CANCEL_TICKET)
    def cancel_ticket(number): ...

`document(app)` walks `app.url_map`, reads those declarations, the roles `@require`
left on the view and the pydantic models given, and writes the document. Validation
stays where it was (`parse(Model, json_body())` in the view): this module only
describes. It imports no domain package.

Error answers are derived where the route tells: roles -> 401, 403 (and 400 for a
write from a browser session without its CSRF token); every /api route -> 429 (rate
limits); a path parameter -> 404; a body -> 413 and 422; a query model -> 422; a body
or query with `version` -> 409; and 422 for every route (the checks every request
passes: a NUL byte, JSON nested too deep).
`errors=` adds others (or the same with a better description), `never=` removes one
the route cannot answer.

Response models are named `FooOut` in code (`Foo` is usually the ORM class) and `Foo`
in the document."""
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Iterable, Mapping

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

_REF = "#/components/schemas/{model}"
_ERROR = {"$ref": "#/components/schemas/Error"}
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}

# Error answers every route may share: status -> (component name, description).
STANDARD_ERRORS = {
    400: ("CsrfFailed", "A write from a browser session without its X-CSRFToken header (bearer tokens need none)"),
    401: ("Unauthorized", "Missing or bad credentials"),
    403: ("Forbidden", "The role may not do this"),
    404: ("NotFound", "No such thing here (or not one you may see)"),
    409: ("Conflict", "Stale version (someone changed it meanwhile), or not allowed in its current state"),
    413: ("TooLarge", "The body is over the size limit"),
    422: ("ValidationFailed", "Bad input: a message per field"),
    429: ("TooManyRequests", "Over the rate limit (hotline/core/ratelimit.py): try again after the seconds "
                             "the Retry-After header (and `retry_after`) says"),
}


class ErrorOut(BaseModel):
    """Every error answer under /api (hotline/core/http_errors.py)."""

    error: str = Field(description="what went wrong, in stable English")
    code: str | None = Field(None, description="the error's code in the catalog (hotline/core/error_catalog.py); "
                                               "absent on a bare HTTP error (404 of an unknown path, 405)")
    message: str | None = Field(None, description="the same in the reader's language")
    current_version: int | None = Field(None, description="409 stale: the version the row has now")
    fields: dict[str, str] | None = Field(None, description="422: a message per field path ('caller.phone'), English")
    messages: dict[str, str] | None = Field(None, description="422: the same in the reader's language")
    codes: dict[str, str] | None = Field(None, description="422: the code per field path")
    retry_after: int | None = Field(None, description="429: seconds to wait, as in the Retry-After header")


class PageOut(BaseModel):
    """A page of a list; each list adds its `items`."""

    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str | None = None
    operation_id: str | None = None
    path: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    statuses: Mapping[int, str] = field(default_factory=dict)
    errors: Mapping[int, str | None] = field(default_factory=dict)
    never: frozenset[int] = frozenset()
    public: bool = False


def operation(
    summary: str,
    *,
    path: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    returns: str | None = None,
    status: int | Mapping[int, str] = 200,
    errors: Mapping[int, str] | Iterable[int] = (),
    never: Iterable[int] = (),
    description: str | None = None,
    operation_id: str | None = None,
    public: bool = False,
):
    """Route decorator: what the view takes and answers, for the OpenAPI document.

    path: a model describing path parameters beyond their converter (an enum, an example);
    query / body: the models the view parses; response: the model of the success answer;
    returns: its description; status: its status, or {status: description} when it has
    several; errors: more error statuses (a mapping gives their descriptions); never:
    derived error statuses this route cannot answer; public: needs no credentials."""
    statuses = dict(status) if isinstance(status, Mapping) else {status: returns or HTTPStatus(status).phrase}
    extra = dict(errors) if isinstance(errors, Mapping) else dict.fromkeys(errors)
    op = Operation(summary, description=description, operation_id=operation_id, path=path, query=query, body=body,
                   response=response, statuses=statuses, errors=extra, never=frozenset(never), public=public)

    def decorate(view):
        view.openapi = op
        return view

    return decorate


# --- the document ----------------------------------------------------------------------------


def document(app) -> dict:
    """The document for this app (built once: routes do not change after start)."""
    if "hotline.openapi" not in app.extensions:
        app.extensions["hotline.openapi"] = build_document(app)
    return app.extensions["hotline.openapi"]


def documented_operations(app) -> list[tuple]:
    """(OpenAPI path, method, view, operation, rule) for every rule whose view declares one."""
    out = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        op = getattr(view, "openapi", None)
        if op is None:
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if len(methods) != 1:
            raise ValueError(f"{rule.endpoint}: one documented view per method ({methods})")
        out.append((openapi_path(rule.rule), methods[0], view, op, rule))
    return out


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", r"{\1}", rule)


def build_document(app) -> dict:
    found = documented_operations(app)
    schemas = _component_schemas(found)
    paths: dict[str, dict] = {}
    for path, method, view, op, rule in found:
        paths.setdefault(path, {})[method.lower()] = _operation(op, method, view, rule, schemas)
    limit = app.config.get("MAX_CONTENT_LENGTH")
    responses = {}
    for status, (name, description) in STANDARD_ERRORS.items():
        if status == 413 and limit:
            description += f" ({limit} bytes)"
        responses[name] = _error_response(description)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hotline API", "version": app.config.get("API_VERSION", "1")},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "created with `flask tokens create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session",
                            "description": "browser session; writes need the X-CSRFToken header"},
            },
            "responses": responses,
        },
    }


def _operation(op: Operation, method: str, view, rule, schemas: dict) -> dict:
    out = {"summary": op.summary, "operationId": op.operation_id or _camel(view.__name__)}
    if op.description:
        out["description"] = op.description
    roles = getattr(view, "allowed_roles", None)
    if roles:
        out["x-roles"] = sorted(getattr(r, "value", str(r)) for r in roles)
    if op.public:
        out["security"] = []
    parameters = _path_parameters(rule.rule, op.path, schemas) + _query_parameters(op.query, schemas)
    parameters += getattr(view, "openapi_headers", [])  # left by decorators (@idempotent)
    if parameters:
        out["parameters"] = parameters
    if op.body is not None:
        out["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(op.body)}}}
    responses = {}
    for status, description in op.statuses.items():
        responses[str(status)] = {"description": description}
        if op.response is not None:
            responses[str(status)]["content"] = {"application/json": {"schema": _ref(op.response)}}
    for status, description in sorted(_errors(op, method, view, rule, roles).items()):
        if description is not None:
            responses[str(status)] = _error_response(description)
        elif status in STANDARD_ERRORS:
            responses[str(status)] = {"$ref": f"#/components/responses/{STANDARD_ERRORS[status][0]}"}
        else:
            responses[str(status)] = _error_response(HTTPStatus(status).phrase)
    out["responses"] = responses
    return out


def _errors(op: Operation, method: str, view, rule, roles) -> dict[int, str | None]:
    """The error statuses the route can answer: derived, then the declared ones."""
    # Every request passes hotline/core/request_checks.py first: a NUL byte in its path or
    # query, a JSON body nested too deep, answer 422 whatever the route takes.
    derived: set[int] = {422}
    if rule.endpoint.startswith("api."):
        derived.add(429)  # hotline/core/ratelimit.py
    if roles and not op.public:
        derived |= {401, 403}
        if method in _WRITES:
            derived.add(400)
    if rule.arguments:
        derived.add(404)
    if op.body is not None:
        derived |= {413, 422}
    if op.query is not None:
        derived.add(422)
    if any("version" in m.model_fields for m in (op.body, op.query) if m is not None):
        derived.add(409)
    out: dict[int, str | None] = dict.fromkeys(derived - op.never)
    out.update(getattr(view, "openapi_errors", {}))  # left by decorators (@idempotent)
    out.update(op.errors)
    return out


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(w.title() for w in rest)


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": _REF.format(model=_component_name(model.__name__))}


def _component_name(name: str) -> str:
    return name[:-3] if name.endswith("Out") and len(name) > 3 else name


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


# --- schemas from the pydantic models ---------------------------------------------------------


def _component_schemas(found) -> dict:
    pairs = {(ErrorOut, "serialization")}
    for *_, op, _rule in found:
        if op.body is not None:
            pairs.add((op.body, "validation"))
        if op.response is not None:
            pairs.add((op.response, "serialization"))
    _, top = models_json_schema(sorted(pairs, key=lambda p: (p[0].__module__, p[0].__name__, p[1])),
                                by_alias=True, ref_template=_REF)
    schemas = _renamed(top.get("$defs", {}))
    for name in schemas:
        if "__" in name or "-" in name:  # pydantic's way out of two models with one name
            raise ValueError(f"two models would be component {name!r}: give them distinct names")
    return schemas


def _renamed(defs: dict) -> dict:
    """FooOut -> Foo, in the keys, the titles and every $ref."""
    names = {k: _component_name(k) for k in defs}
    clashes = sorted(k for k in defs if _component_name(k) != k and _component_name(k) in defs)
    if clashes:
        raise ValueError(f"a response model FooOut beside a model Foo: {clashes}")

    def walk(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                    value = _REF.format(model=names.get(value.rsplit("/", 1)[1], value.rsplit("/", 1)[1]))
                out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = {}
    for key, schema in defs.items():
        schema = walk(schema)
        if schema.get("title") == key:
            schema["title"] = names[key]
        out[names[key]] = schema
    return out


def _model_properties(model: type[BaseModel], schemas: dict) -> tuple[dict, set[str]]:
    """A parameter model's properties (by alias) and required names; its $defs join the components."""
    schema = model.model_json_schema(by_alias=True, ref_template=_REF, mode="validation")
    for name, sub in _renamed(schema.pop("$defs", {})).items():
        if schemas.setdefault(name, sub) != sub:
            raise ValueError(f"two different schemas named {name!r}")
    return schema.get("properties", {}), set(schema.get("required", ()))


def _parameter(name: str, where: str, prop: dict, required: bool) -> dict:
    prop = {k: v for k, v in prop.items() if k != "title"}
    description = prop.pop("description", None)
    branches = prop.get("anyOf")
    if branches and {"type": "null"} in branches:  # optional: absent, never null
        rest = [b for b in branches if b != {"type": "null"}]
        prop.pop("anyOf")
        if prop.get("default", 0) is None:
            prop.pop("default")
        prop = {**rest[0], **prop} if len(rest) == 1 else {"anyOf": rest, **prop}
    out = {"name": name, "in": where, "required": required, "schema": prop}
    if description:
        out["description"] = description
    if prop.get("examples"):
        out["example"] = prop.pop("examples")[0]
    if prop.get("type") == "array":
        out["explode"] = True  # ?status=new&status=dispatched
    return out


def _path_parameters(rule: str, model: type[BaseModel] | None, schemas: dict) -> list[dict]:
    props = _model_properties(model, schemas)[0] if model is not None else {}
    out = []
    for converter, name in re.findall(r"<(?:([^:<>(]+)(?:\([^)]*\))?:)?(\w+)>", rule):
        default = {"type": "integer"} if converter == "int" else {"type": "string"}
        out.append(_parameter(name, "path", props.pop(name, default), True))
    if props:
        raise ValueError(f"{rule}: the path model names {sorted(props)}, not in the path")
    return out


def _query_parameters(model: type[BaseModel] | None, schemas: dict) -> list[dict]:
    if model is None:
        return []
    props, required = _model_properties(model, schemas)
    return [_parameter(name, "query", prop, name in required) for name, prop in props.items()]
