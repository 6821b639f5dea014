"""The migrations build exactly the schema the models describe, and come down again."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fixtures.db import drop_database, empty_database
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from hotline import create_app
from hotline.core.extensions import db
from hotline.core.orm import outside_models


def _diff(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True, "include_name": outside_models}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTLINE_INSTANCE", str(tmp_path))
    url = empty_database(tmp_path)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
    assert _diff(app) == []
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()  # and up again: downgrade left nothing behind that breaks it
    assert _diff(app) == []
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


def test_upgrade_seeds_the_categories(app):
    from hotline.tickets.models import Category

    with app.app_context():
        codes = db.session.scalars(db.select(Category.code).order_by(Category.sort_order)).all()
    assert codes[0] == "consultation" and {"leak", "repair", "complaint"} <= set(codes)


def test_upgrade_leaves_the_apps_loggers_working(app):
    import logging

    import hotline.core.http_errors  # noqa: F401 - creates its logger

    # the session's migrated_db fixture ran upgrade() in this process
    assert not logging.getLogger("hotline.core.http_errors").disabled
