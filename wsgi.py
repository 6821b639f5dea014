"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (the gevent worker)."""
from hotline import create_app

app = create_app()
