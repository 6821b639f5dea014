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
