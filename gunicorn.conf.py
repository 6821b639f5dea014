"""gunicorn settings for one machine: one gevent worker (Socket.IO cannot be balanced
across workers; see README "Serving"). `gunicorn -c gunicorn.conf.py wsgi:app`.

A WebSocket (every board, desk, crew phone, SLA, handover and callback page holds one)
is a greenlet here, not a thread: one worker holds thousands of them while ordinary
requests keep their latency. gunicorn's gevent worker monkey-patches the standard
library before it loads the app; the app then picks Flask-SocketIO's gevent mode
(hotline/core/__init__.py) and everything that blocks must cooperate (README "Serving")."""
import os
import resource

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gevent"
workers = 1
# Open connections (WebSockets, long-polls, keep-alive API clients) the worker accepts;
# past it new connections wait in the listen backlog. gunicorn's default is 1000.
worker_connections = int(os.environ.get("HOTLINE_WORKER_CONNECTIONS", "4000"))
backlog = 2048
# Keep-alive for API clients (the gevent worker also uses it as the idle-request timeout).
keepalive = 75
graceful_timeout = 10
# Recent gunicorn (27 here) opens a control socket in ~/.gunicorn shared by every instance on the
# machine (the demo, the benchmark, browser tests); nothing here uses it.
control_socket_disable = True


def _raise_open_files(needed: int) -> None:
    """Each connection is a file descriptor; the usual soft limit (1024) is below
    worker_connections. Raise the soft limit toward the hard one (no privilege needed)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def on_starting(server):
    # Room for the connections, the database files, the log and the listening socket.
    _raise_open_files(worker_connections + 256)
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < worker_connections + 64:
        server.log.warning("open-file limit %s is below worker_connections %s: raise it (ulimit -n)",
                           soft, worker_connections)


def post_worker_init(worker):
    """The embedded SLA scheduler runs in the (single) worker, never in the master:
    HOTLINE_SLA_SCHEDULER=worker leaves it to a separate `flask sla-worker`.
    Then what the worker loaded leaves the garbage collector's walks (core/longlived.py)."""
    from hotline.core.longlived import freeze_startup
    from hotline.sla.engine.scheduler import start_embedded

    worker.sla_scheduler = start_embedded(worker.wsgi)
    freeze_startup()


def worker_exit(_server, worker):
    scheduler = getattr(worker, "sla_scheduler", None)
    if scheduler is not None:
        scheduler.shutdown()
