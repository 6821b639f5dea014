"""Sending a committed live event to the rooms that may see it."""
from hotline.core.extensions import socketio
from hotline.live.outbox import CENTER_ROOM, unit_room


def wire(item: dict) -> dict:
    """What a client receives: the payload with the event's sequence number and
    `at`, the time its row was written (inside the transaction of the change, so
    just before the commit), ISO 8601 in UTC."""
    at = item.get("at")
    return {
        **item["payload"],
        "seq": item["seq"],
        "event": item["name"],
        "at": at.isoformat() if at is not None else None,
    }


def broadcast(item: dict) -> None:
    data = wire(item)
    rooms = [CENTER_ROOM] + [unit_room(u) for u in item["unit_ids"]]
    socketio.emit(item["name"], data, to=rooms)
