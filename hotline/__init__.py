"""Hotline: call-center ticketing and dispatch."""
from flask import Flask, has_request_context, request

from hotline.core.config import PROJECT_ROOT, load_config
from hotline.core.orm import configure_sqlite, reading_only
from hotline.core.extensions import babel, csrf, db, login_manager, migrate, socketio

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _write_intent() -> bool:
    """Requests that only read start deferred transactions; all else take the write lock."""
    if reading_only.get():
        return False
    return not has_request_context() or request.method not in _READ_METHODS


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_relative_config=False,
    )
    app.config.update(load_config())
    app.config.update(overrides or {})

    from hotline import models  # noqa: F401 - every table known before anything queries

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)

    from hotline.core.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Handlers must be declared before init_app: Flask-SocketIO copies its list of
    # handlers into each new server, but a handler declared after the first
    # init_app goes to that server only and the next app would lack it.
    from hotline.live import sockets  # noqa: F401

    socketio.init_app(app, async_mode="threading", message_queue=app.config.get("SOCKETIO_QUEUE"))

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, _write_intent)

    from hotline.users import auth

    from hotline.core import http_errors as errors_http

    from hotline.core import i18n
    from hotline.core.api import bp as api_bp
    from hotline.callers import api as callers_api  # noqa: F401
    from hotline.core.health import bp as health_bp
    from hotline.tickets import api as tickets_api  # noqa: F401
    from hotline.sla.settings import api as sla_settings_api  # noqa: F401
    from hotline.sla.supervision import api as sla_api  # noqa: F401
    from hotline.sla.supervision.pages import bp as sla_bp
    from hotline.sla.panel import api as tickets_sla_api  # noqa: F401
    from hotline.tickets.routes import bp as tickets_bp
    from hotline.callbacks import api as callbacks_api  # noqa: F401
    from hotline.callbacks.routes import bp as callbacks_bp
    from hotline.tickets.settings_pages import bp as settings_bp
    from hotline.sla.settings import pages as sla_routes  # noqa: F401 - SLA pages on the settings blueprint
    from hotline.duty import settings_pages as duty_routes  # noqa: F401 - shift templates and seats, same blueprint
    from hotline.users.cli import register_cli
    from hotline.sla.engine.cli import register_cli as register_sla_cli
    from hotline.users.routes import bp as users_bp
    from hotline.live.outbox import install as install_outbox
    from hotline.sla.engine.hooks import install as install_sla_hooks
    from dispatch import api as dispatch_api  # noqa: F401
    from dispatch.pages import bp as dispatch_bp
    from hotline.duty.rosters import api as rosters_api  # noqa: F401
    from hotline.duty.seats import api as seats_api  # noqa: F401
    from hotline.duty.rosters.routes import bp as rosters_bp
    from hotline.duty.seats.routes import bp as seats_bp
    from hotline.duty.handover import api as handover_api  # noqa: F401
    from hotline.duty.dutylog import api as dutylog_api  # noqa: F401
    from hotline.duty.handover.routes import bp as handover_bp
    from hotline.duty.dutylog.routes import bp as dutylog_bp

    auth.init_app(app)
    errors_http.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(settings_bp)
    app.register_blueprint(dispatch_bp)
    app.register_blueprint(callbacks_bp)
    app.register_blueprint(rosters_bp)
    app.register_blueprint(seats_bp)
    app.register_blueprint(sla_bp)
    app.register_blueprint(handover_bp)
    app.register_blueprint(dutylog_bp)
    app.register_blueprint(api_bp)
    install_outbox(db.session)
    install_sla_hooks(db.session)
    register_cli(app)
    register_sla_cli(app)
    return app
