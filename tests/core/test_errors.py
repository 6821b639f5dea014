"""Errors are codes with parameters, put into words from one catalog: every code raised is
in it and reads in both languages; the API keeps its English and names the code; pages
show the reader's language."""
import ast
import re
from pathlib import Path

import pytest
from flask_babel import lazy_gettext
from pydantic import Field

from hotline.core import error_catalog
from hotline.core.errors import Conflict, Problem, ValidationFailed, check_version, say
from hotline.core.validation import Strict, Text, parse

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# What makes a Problem: its first argument is the code (ValidationFailed.at: the second).
MAKERS = {"DomainError", "Conflict", "NotFound", "Forbidden", "Problem", "HoursError"}
NOT_PARAMS = {"details", "english"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def raised_codes() -> list[tuple[str, str, set[str] | None]]:
    """(where, code, the parameters given or None when some go in as **kwargs) for every
    Problem, error or ValidationFailed.at() made with a literal code in hotline/ and dispatch/."""
    found = []
    for package in ("hotline", "dispatch"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node.func)
                if name in MAKERS:
                    code_arg = node.args[0] if node.args else None
                elif name == "at" and _name(getattr(node.func, "value", None)) == "ValidationFailed":
                    code_arg = node.args[1] if len(node.args) > 1 else None
                else:
                    continue
                if not (isinstance(code_arg, ast.Constant) and isinstance(code_arg.value, str)):
                    continue
                given = {k.arg for k in node.keywords} - NOT_PARAMS
                open_ended = any(k.arg is None for k in node.keywords)
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", code_arg.value, None if open_ended else given))
    return found


def placeholders(code: str) -> set[str]:
    return set(PLACEHOLDER.findall(error_catalog.msgid(error_catalog.template(code))))


def test_every_code_raised_is_in_the_catalog_with_the_parameters_its_words_name(app):
    found = raised_codes()
    assert len(found) > 130  # the scan sees the raise sites
    problems = []
    for where, code, given in found:
        if code not in error_catalog.codes():
            problems.append(f"{where}: {code!r} is not in the catalog")
        elif given is not None and placeholders(code) - given:
            problems.append(f"{where}: {code!r} lacks {sorted(placeholders(code) - given)}")
    assert not problems, "\n".join(problems)


def _sample(code: str) -> dict:
    return {name: f"<{name}>" for name in placeholders(code)}


def test_every_code_reads_in_english_and_in_chinese_with_its_parameters(app):
    assert "stale" in error_catalog.codes() and "required" in error_catalog.codes()
    for code in sorted(error_catalog.codes()):
        params = _sample(code)
        english = error_catalog.render(code, params, english=True)
        assert all(value in english for value in params.values()), (code, english)
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            chinese = error_catalog.render(code, params, english=False)
            shown = say(Problem(code, **params))
        assert re.search(r"[\u4e00-\u9fff]", chinese), (code, chinese)  # translated
        assert not PLACEHOLDER.search(chinese), (code, chinese)
        assert shown in (chinese, chinese + "."), (code, shown)  # a page shows it as a sentence


def test_parameters_that_are_words_read_in_the_readers_language(app):
    problem = Problem("deadline_passed", stage=error_catalog.Term("stage", "accept"))
    stale = Conflict("stale", what=lazy_gettext("ticket"), id="20261123-0001", current=3)
    assert problem.english == "the accept deadline has passed: an extension must be asked for before it"
    assert stale.message == "ticket 20261123-0001 was changed by someone else (now version 3)"
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert "签收" in say(problem)
        assert say(stale).startswith("工单 20261123-0001 已被他人修改")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert say(stale) == "Ticket 20261123-0001 was changed by someone else (now version 3)."
        assert say(Problem("code_taken")) == "This code is taken."
        # a name someone typed keeps its case
        assert say(Problem("not_signed_in", user="li.na")) == "li.na is not signed in to a seat."


def test_a_code_means_one_thing(app):
    error_catalog.define({"code_taken": lazy_gettext("this code is taken")})  # again, same words: fine
    with pytest.raises(ValueError):
        error_catalog.define({"code_taken": lazy_gettext("something else")})


class _Shape(Strict):
    name: Text(20, 1)
    note: Text(5) = ""
    count: int = Field(1, gt=0, le=50)
    share: float = Field(2.0, gt=1.5)


@pytest.mark.parametrize("data, path, code, params", [
    ({}, "name", "required", {}),
    ({"name": ""}, "name", "required", {}),
    ({"name": "x", "note": "toolong"}, "note", "too_long_text", {"max_length": 5}),
    ({"name": "x", "count": 0}, "count", "positive", {"gt": 0}),
    ({"name": "x", "share": 1.0}, "share", "more_than", {"gt": 1.5}),
    ({"name": "x", "count": 51}, "count", "at_most", {"le": 50}),
    ({"name": "x", "count": "two"}, "count", "not_whole_number", {}),
    ({"name": "x", "extra": 1}, "extra", "not_expected", {}),
    ({"name": "a\x07b"}, "name", "control_characters", {}),
])
def test_pydantic_errors_become_codes_by_type_and_keep_their_english(app, data, path, code, params):
    with pytest.raises(ValidationFailed) as exc:
        parse(_Shape, data)
    problem = exc.value.problems[path]
    assert (problem.code, problem.params) == (code, {**problem.params, **params})
    assert exc.value.fields[path] == problem.english and problem.english != error_catalog.render(code, params, english=True)


class _Row:
    id, version = 7, 3


@pytest.mark.parametrize("expected, required, stale", [(3, False, False), (None, False, False), (2, False, True),
                                                       (None, True, True), (3, True, False)])
def test_check_version(expected, required, stale):
    if not stale:
        check_version(_Row(), expected, what="row", required=required)
        return
    with pytest.raises(Conflict) as exc:
        check_version(_Row(), expected, what="row", required=required, ticket_status="new")
    assert exc.value.details == {"code": "stale", "current_version": 3, "ticket_status": "new"}
    assert exc.value.message == "row 7 was changed by someone else (now version 3)"


# --- answers ----------------------------------------------------------------------------------


def _ticket(api) -> dict:
    r = api("operator").post("/api/v1/tickets", json={"category": "repair", "matter": "The tap drips"})
    assert r.status_code == 201, r.json
    return r.json


def test_answers_keep_their_english_and_name_the_code(api, users):
    t = _ticket(api)
    number = t["number"]
    api("operator").post(f"/api/v1/tickets/{number}/notes", json={"body": "more"})
    r = api("operator").post(f"/api/v1/tickets/{number}/cancel", json={"reason": "dup", "version": t["version"]})
    assert r.status_code == 409
    assert r.json["error"] == f"ticket {number} was changed by someone else (now version {t['version'] + 1})"
    assert (r.json["code"], r.json["current_version"], r.json["ticket_status"]) == ("stale", t["version"] + 1, "new")

    r = api("operator").get("/api/v1/tickets/20991231-9999")
    assert (r.status_code, r.json["error"], r.json["code"]) == (404, "no ticket 20991231-9999", "not_found")

    r = api("operator").patch(f"/api/v1/tickets/{number}", json={"version": t["version"] + 1, "category": "unicorns", "reason": "x"})
    assert r.status_code == 422
    assert (r.json["error"], r.json["code"]) == ("validation failed", "validation_failed")
    assert r.json["fields"]["category"] == "unknown category 'unicorns'"
    assert r.json["codes"]["category"] == "unknown_category"

    r = api("operator").post("/api/v1/tickets", json={"matter": "x"})  # pydantic's English, our code
    assert (r.status_code, r.json["fields"], r.json["codes"]) == (422, {"category": "Field required"}, {"category": "required"})
    r = api("operator").post("/api/v1/tickets", json={"category": "repair", "matter": "x", "caller": {"phone": "123"}})
    assert r.json["fields"] == {"caller.phone": "not a possible phone number"}
    assert r.json["codes"] == {"caller.phone": "not_a_possible_phone_number"}


def test_answers_carry_the_message_in_the_readers_language(session_client):
    client, token = session_client("operator")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    r = client.post("/api/v1/tickets", json={"matter": "x"}, headers={"X-CSRFToken": token})
    assert r.status_code == 422
    assert (r.json["fields"]["category"], r.json["messages"]["category"]) == ("Field required", "必填。")
    assert r.json["message"] == "请检查标出的字段。"
    r = client.get("/api/v1/tickets/20991231-9999")
    assert (r.json["error"], r.json["message"]) == ("no ticket 20991231-9999", "没有工单 20991231-9999。")


# --- pages ------------------------------------------------------------------------------------


def test_a_page_shows_the_error_in_chinese(session_client):
    client, token = session_client("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert client.post("/settings/sla/areas", data={"name": "Chongming", "csrf_token": token}).status_code == 302
    r = client.post("/settings/sla/areas", data={"name": "Chongming", "csrf_token": token})
    assert r.status_code == 422 and "该名称已被使用。" in r.get_data(as_text=True)
    r = client.post("/settings/categories", data={"code": "flood", "name_en": "", "name_zh": "水浸", "csrf_token": token})
    assert r.status_code == 422
    assert re.search(r'data-error-for="name_en" role="alert">必填。', r.get_data(as_text=True))


def test_a_stale_form_says_so_in_chinese(session_client, api):
    t = _ticket(api)
    api("operator").post(f"/api/v1/tickets/{t['number']}/notes", json={"body": "more"})
    client, token = session_client("supervisor")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    r = client.post(f"/tickets/{t['number']}/cancel", data={"reason": "dup", "version": t["version"], "csrf_token": token})
    assert r.status_code == 409
    assert f"工单 {t['number']} 已被他人修改（现为第 {t['version'] + 1} 版），请刷新后重试。" in r.get_data(as_text=True)
