"""Units (承办单位): the center, branch companies, crews and offices work goes to."""
from flask_babel import lazy_gettext as _l

from hotline.core.navigation import NavItem, add


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.audit import settings_watch
    from hotline.units import api, cli, labels, models, pages  # noqa: F401 - routes, the tables, kind names

    app.cli.add_command(cli.group)
    settings_watch.watch(models.Area)  # the areas' own settings (outside the city); units record themselves
    add(app, NavItem("settings.units", _l("Units"), 205))
