"""Live screens: ticket changes as events, the snapshots pages open with, and the
Socket.IO connections that carry them (rooms by scope, resync after a gap)."""


def init_app(app) -> None:
    # Imported on registration: routes, handlers and receivers attach themselves as they load.
    from hotline.core.extensions import db
    from hotline.live import api, receivers, sockets, ticket_events  # noqa: F401 - routes, socket handlers

    ticket_events.install(db.session)
    receivers.install()
