"""The ground floor: what every domain stands on and nothing domain-specific.

Extensions, ORM settings, config, the clock, errors and their catalog, validation,
the API (with its OpenAPI generator) and settings blueprints, permissions and scope,
signals, navigation, the vocabulary, the live-event outbox, the checks every request passes
(request_checks), security headers, rate limits, health, idempotency, backups, and whether the process runs on greenlets
(cooperative: gevent's worker) or threads. Imports no domain
package (the architecture test checks)."""
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from hotline.core.config import PROJECT_ROOT
from hotline.core.extensions import babel, csrf, db, login_manager, migrate, socketio


def init_app(app: Flask) -> None:
    """Bind the extensions and the shared machinery, before the parts register."""
    # Imported here, not above: `from hotline.core import clock` anywhere must stay light.
    from hotline.core import backup, converters, health, http_errors, i18n, navigation, outbox, request_checks
    from hotline.core import ratelimit, security_headers
    from hotline.core.orm import configure_postgresql, configure_sqlite, write_intent

    converters.init_app(app)

    if proxies := app.config.get("PROXIES"):  # nginx in front: the client's address is in X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, write_intent)
        elif db.engine.dialect.name == "postgresql":
            configure_postgresql(db.engine)
    outbox.install(db.session)
    http_errors.init_app(app)
    request_checks.init_app(app)
    security_headers.init_app(app)
    ratelimit.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    app.register_blueprint(health.bp)
    backup.register_cli(app)


def finish(app: Flask) -> None:
    """After the parts: the blueprints they all added routes to, Socket.IO (whose
    handlers the parts declared) and the words they defined."""
    # Imported here: routes are added to these blueprints by the parts, before this runs.
    from hotline.core import labels
    from hotline.core.api import bp as api_bp
    from hotline.core.cooperative import socketio_async_mode
    from hotline.core.web import settings_bp

    app.register_blueprint(settings_bp)
    app.register_blueprint(api_bp)
    # Flask-SocketIO copies its handlers into each new server at init_app: a handler
    # declared after it would reach this app's server only. Greenlets under gunicorn's
    # gevent worker (a WebSocket is then no thread), threads everywhere else.
    socketio.init_app(app, async_mode=socketio_async_mode(), message_queue=app.config.get("SOCKETIO_QUEUE"),
                      ping_interval=app.config.get("LIVE_PING_SECONDS", 25),
                      ping_timeout=app.config.get("LIVE_PING_TIMEOUT_SECONDS", 20))
    labels.init_app(app)
