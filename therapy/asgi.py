import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "therapy.settings")

# Served with WSGI (gunicorn gthread) in production; ASGI is kept for tools that want it.
application = get_asgi_application()
