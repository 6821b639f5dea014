"""Settings changes are in the audit log whatever made them: an SLA policy through the
API, a seat on its settings page, a calendar day; with who did it and what changed."""
from sqlalchemy import select

from hotline.audit.models import AuditEvent
from hotline.core.extensions import db


def _entries(app, action_prefix="settings."):
    with app.app_context():
        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith(action_prefix)).order_by(AuditEvent.id)).all()


def test_an_sla_policy_created_and_changed_through_the_api_is_audited(app, api, users):
    admin = api("admin")
    r = admin.post("/api/v1/sla/policies", json={"stage": "accept", "minutes": 20, "category": "leak"})
    assert r.status_code == 201, r.json
    policy = r.json
    r = admin.put(f"/api/v1/sla/policies/{policy['id']}", json={"minutes": 15, "version": policy["version"]})
    assert r.status_code == 200, r.json
    created, changed = _entries(app)[-2:]
    assert (created.action, created.target_type, created.target_id) == ("settings.create", "sla_policy", str(policy["id"]))
    assert created.detail["minutes"] == [None, 20]
    assert changed.action == "settings.update" and changed.detail == {"minutes": [20, 15]}
    assert changed.actor_id == users["admin"]


def test_a_change_that_changes_nothing_records_nothing(app, api, users):
    admin = api("admin")
    policy = admin.post("/api/v1/sla/policies", json={"stage": "accept", "minutes": 20, "category": "repair"}).json
    before = len(_entries(app))
    admin.put(f"/api/v1/sla/policies/{policy['id']}", json={"minutes": 20, "version": policy["version"]})
    assert len(_entries(app)) == before


def test_a_refused_change_leaves_no_entry(app, api, users):
    before = len(_entries(app))
    r = api("admin").post("/api/v1/sla/policies", json={"stage": "accept", "minutes": -5})
    assert r.status_code == 422
    assert len(_entries(app)) == before
