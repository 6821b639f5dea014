"""A resolved ticket gets its callback (回访)."""
from hotline.callbacks.services import open_callback
from hotline.core import signals


@signals.ticket_resolved.connect
def callback_for(ticket, **_):
    open_callback(ticket)
