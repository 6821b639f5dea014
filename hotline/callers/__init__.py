"""Callers: who rings, their numbers and addresses, and who may see them."""


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.callers import models  # noqa: F401 - the tables
