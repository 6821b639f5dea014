"""People who sign in, machines with API tokens, and how each is recognised."""


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.core import ratelimit
    from hotline.users import auth, cli, labels, models, routes  # noqa: F401 - tables, role names

    auth.init_app(app)
    app.register_blueprint(routes.bp)
    ratelimit.limit_sign_in(app, "users.login", routes.sign_in_refused)
    cli.register_cli(app)
