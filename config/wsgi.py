import os

from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Keys fail closed: a worker whose data or audit keys are missing or wrong does not start
# (gunicorn then stops), rather than serve 500s and encrypt new records under a new key.
# (Imported by name: the module needs the apps that get_wsgi_application just loaded.)
import_string("pave.core.keycheck.keys_startup")()
