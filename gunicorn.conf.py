"""gunicorn settings for one machine: one worker with threads (Socket.IO cannot
be balanced across workers; see STACK-NOTES). `gunicorn -c gunicorn.conf.py wsgi:app`."""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = 1
threads = 100
# Long-polling and WebSocket connections stay open; keep-alive for API clients.
keepalive = 75
graceful_timeout = 10
# Recent gunicorn (27 here) opens a control socket in ~/.gunicorn shared by every instance on the
# machine (the demo, the benchmark, browser tests); nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """The embedded SLA scheduler runs in the (single) worker, never in the master:
    HOTLINE_SLA_SCHEDULER=worker leaves it to a separate `flask sla-worker`."""
    from hotline.sla.engine.scheduler import start_embedded

    worker.sla_scheduler = start_embedded(worker.wsgi)


def worker_exit(_server, worker):
    scheduler = getattr(worker, "sla_scheduler", None)
    if scheduler is not None:
        scheduler.shutdown()
