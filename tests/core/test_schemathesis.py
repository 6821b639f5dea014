"""A property-based fuzz of the whole OpenAPI document (schemathesis), for each role.

The document the app serves (/api/openapi.json) drives the requests: for every operation,
cases that follow the schema (positive) and cases that break it (negative), plus cases
whose path parameters name rows that exist (the demo center's tickets in every state,
handovers, shift requests, SLA extensions...) so that views get past their 404. Each
answer must be no server error, a status the operation documents, a body matching the
documented schema and the documented content type.

Sized for the test command: FUZZ_EXAMPLES cases per operation and mode, derandomized
(the same cases every run), failures collected rather than shrunk. Set HOTLINE_FUZZ_EXAMPLES
to go deeper. SQLite only (one_engine): the engines share every line this reaches except
the driver, and test_bad_input_limits covers the driver's limits on both."""
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hotline.core.extensions import db
from hotline.users.models import Role, User
from hotline.users.services import create_token

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.one_engine

FUZZ_EXAMPLES = int(os.environ.get("HOTLINE_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = [r.value for r in Role]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, migrated_db):
    """One app for every role (seeding is the slow part): the demo center (tickets in every
    state, duty, SLA, callbacks) and a token per role. The roles run in turn on it."""
    from hotline import create_app
    from hotline.demo import seed_demo

    from fixtures.app import OwnUserClient
    from fixtures.db import TEST_CONFIG, drop_database, fresh_database

    folder = tmp_path_factory.mktemp("fuzz")
    saved = os.environ.get("HOTLINE_INSTANCE")
    os.environ["HOTLINE_INSTANCE"] = str(folder)
    url = fresh_database(folder)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = OwnUserClient
    with app.app_context():
        for _ in seed_demo(tickets=40, days=3):
            pass
        tokens = {}
        for role in Role:
            user = db.session.scalars(select(User).where(User.role == role).order_by(User.id)).first()
            _, tokens[role.value] = create_token(user, f"fuzz {role.value}")
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    yield app, tokens, schema
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)
    if saved is None:
        os.environ.pop("HOTLINE_INSTANCE", None)
    else:
        os.environ["HOTLINE_INSTANCE"] = saved


def _existing(app) -> dict[str, list]:
    """Path parameter -> values naming rows that exist."""
    from hotline.callbacks.models import Callback
    from hotline.duty.handover.models import Handover, HandoverItem, StandingItem
    from hotline.duty.rosters.models import ShiftRequest, ShiftTemplate
    from hotline.sla.models import Alert, Calendar, Escalation, Extension, Policy
    from hotline.units.models import Area
    from hotline.tickets.models import Ticket

    def ids(column, n=3):
        return list(db.session.scalars(select(column).order_by(column.desc()).limit(n)))

    with app.app_context():
        found = {
            "number": ids(Ticket.number, 4),
            "handover_id": ids(Handover.id),
            "item_id": ids(HandoverItem.id, 2) + ids(StandingItem.id, 2),
            "request_id": ids(ShiftRequest.id),
            "callback_id": ids(Callback.id),
            "alert_id": ids(Alert.id),
            "esc_id": ids(Escalation.id),
            "ext_id": ids(Extension.id),
            "policy_id": ids(Policy.id),
            "calendar_id": ids(Calendar.id),
            "area_id": ids(Area.id),
            "shift": ids(ShiftTemplate.code),
            "phone": ["13800138000"],
        }
        from hotline.core import clock

        today = clock.local().date()
        found["day"] = [today.isoformat()]
        found["month"] = [today.strftime("%Y-%m")]
        return {k: v for k, v in found.items() if v}


def _strategy(operation, existing):
    """Generated cases of both modes, and positive ones on rows that exist."""
    names = [p.name for p in operation.path_parameters]
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    if names and all(n in existing for n in names):
        for i in range(2):
            fixed = {n: existing[n][i % len(existing[n])] for n in names}
            strategies.append(operation.as_strategy(path_parameters=fixed))
    return st.one_of(strategies)


def _fuzz(operation, strategy, headers, ran: Counter, failures: list, examples: int, statuses: Counter | None = None):
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=["explicit", "generate"])
    @given(case=strategy)
    def run(case):
        ran[operation.label] += 1
        try:
            response = case.call(headers=headers)
            if statuses is not None:
                statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # collected, not raised: no shrinking, every operation runs
            mode = case.meta.generation.mode.value if case.meta else "?"
            for problem in getattr(exc, "exceptions", [exc]):
                title = getattr(problem, "title", type(problem).__name__)
                failures.append(f"{operation.label} [{mode}] {title}: {str(problem)[:400]}")

    run()


@pytest.mark.parametrize("role", ROLES)
def test_openapi_fuzz(fuzzed, role):
    app, tokens, schema = fuzzed
    existing = _existing(app)
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    ran, failures, statuses = Counter(), [], Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        _fuzz(operation, _strategy(operation, existing), headers, ran, failures, FUZZ_EXAMPLES * 3, statuses)
    print(f"\nschemathesis {role}: {sum(ran.values())} cases over {len(operations)} operations, "
          f"{len(failures)} failures; answers {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(sorted(set(failures))[:30]) + f"\n({len(failures)} failing cases)"
