"""Whether this process runs on greenlets (gunicorn's gevent worker) or on threads.

gunicorn's gevent worker monkey-patches the standard library (socket, threading,
time.sleep, select...) before it loads the app: threads are then greenlets on one
hub, and anything that blocks without yielding to the hub (a C call that sleeps or
waits on a socket gevent cannot see) stalls every connection of the worker. Every
other way of running the app (tests in-process, the flask CLI, `flask sla-worker`)
is unpatched, with real threads, even when gevent is installed."""
import sys


def patched() -> bool:
    """True when gevent has monkey-patched this process. gevent is never imported
    here: being installed changes nothing for an unpatched process."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket") and monkey.is_module_patched("threading")


def socketio_async_mode() -> str:
    """Flask-SocketIO's mode, chosen explicitly (its auto-detection would pick gevent
    whenever gevent is importable, patched or not)."""
    return "gevent" if patched() else "threading"
