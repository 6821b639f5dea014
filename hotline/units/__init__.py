"""Units (承办单位): the center, branch companies, crews and offices work goes to."""


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.units import models  # noqa: F401 - the tables
