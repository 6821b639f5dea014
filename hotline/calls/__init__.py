"""Calls: each answered call, the seed of a ticket (telephony will fill this in)."""


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.calls import models  # noqa: F401 - the table
