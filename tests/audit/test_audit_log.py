"""The audit log: written with the act it records, and never changed afterwards."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from hotline.audit.models import AuditEvent
from hotline.audit.services import changes, record
from hotline.core.exports import csv_line, safe_cell
from hotline.core.extensions import db


def test_an_entry_is_kept_with_its_actor_and_target(ctx, users, user_of):
    admin = user_of("admin")
    record("user.update", target=admin, actor=admin, detail=changes({"role": "crew", "password": "a"},
                                                                     {"role": "admin", "password": "b"}))
    db.session.commit()
    entry = db.session.scalars(select(AuditEvent)).one()
    assert (entry.action, entry.actor_id, entry.target_type, entry.target_id) == ("user.update", admin.id, "user", str(admin.id))
    assert entry.detail == {"role": ["crew", "admin"], "password": ["***", "***"]}
    assert entry.at.tzinfo is not None


def test_an_act_rolled_back_leaves_no_entry(ctx, users):
    record("unit.create", target_type="unit", target_id=1)
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent)) is None


def test_entries_cannot_be_changed_or_deleted(ctx, users):
    record("token.revoke", target_type="api_token", target_id=7)
    db.session.commit()
    entry = db.session.scalars(select(AuditEvent)).one()
    entry.reason = "covering tracks"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    # Past the ORM: the database itself refuses (a script, a console).
    for statement in ("UPDATE audit_event SET reason = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert db.session.scalars(select(AuditEvent)).one().reason is None


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_export_cells_never_start_a_formula(value):
    assert safe_cell(value) == "'" + value
    assert csv_line([value]).startswith("'") or csv_line([value]).startswith("\"'")


def test_ordinary_cells_are_unchanged():
    assert [safe_cell(v) for v in ("张三", "138 0013 8000", 5, None, "")] == ["张三", "138 0013 8000", 5, None, ""]
