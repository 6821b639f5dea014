"""People who sign in, machines with API tokens, and how each is recognised."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.core import ratelimit
    from hotline.users import (  # noqa: F401 - tables, role names, routes
        account, admin, admin_pages, api, auth, cli, labels, models, routes, token_api, token_pages,
    )

    auth.init_app(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(account.bp)
    ratelimit.limit_sign_in(app, "users.login", routes.sign_in_refused)
    cli.register_cli(app)
    app.jinja_env.globals["nobody_yet"] = admin.nobody_yet
    add(app, NavItem("settings.users", _l("Users"), 205), NavItem("settings.tokens", _l("Tokens"), 250))
