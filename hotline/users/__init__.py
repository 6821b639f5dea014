"""People who sign in, machines with API tokens, and how each is recognised."""
from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.core.navigation import NavItem, add
    from hotline.users import api, auth, cli, labels, models, routes, token_pages  # noqa: F401 - tables, routes

    auth.init_app(app)
    app.register_blueprint(routes.bp)
    cli.register_cli(app)
    add(app, NavItem("settings.tokens", _l("Tokens"), 250))
