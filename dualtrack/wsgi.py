import atexit
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dualtrack.settings")
application = get_wsgi_application()
# Production does not start without the keys for personal data (DOMAIN.md §15; management commands run the check).
from dualtrack.core.checks import require_personal_data_key  # noqa: E402 - after Django is set up

require_personal_data_key()
# What loading made (Django, the apps, the URL patterns, the catalogues: a quarter of a million objects) lives as
# long as the process: out of the collector's sight, a full collection no longer walks it in the middle of a
# request (a 60–100 ms pause on 总览), and forked workers (gunicorn --preload) keep sharing those pages.
gc.freeze()
atexit.register(gc.unfreeze)  # collected again at exit (DuckDB's bindings report what was never freed)
