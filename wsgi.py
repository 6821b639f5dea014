"""The WSGI entry point: `gunicorn -k gthread -w 1 --threads 100 wsgi:app`."""
from hotline import create_app

app = create_app()
