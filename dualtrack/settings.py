"""Django settings, read from the environment.

Environment variables:
- ``DATABASE_URL``: database; default a SQLite file ``var/dualtrack.sqlite3`` under ``DUALTRACK_HOME``.
- ``DUALTRACK_HOME``: folder for local state (database, secret key, uploads); default ``./var``.
- ``SECRET_KEY``: if unset, one is generated on first run and kept in ``$DUALTRACK_HOME/secret_key``.
- ``PERSONAL_DATA_KEY`` or ``PERSONAL_DATA_KEY_FILE``: the keys of the ID numbers' hashes (required in production).
- ``DEBUG``: ``1`` to enable debug pages (never in production).
- ``ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``.
- ``CACHE_URL``: ``redis://…`` for a shared cache (several app servers); default local memory.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("DUALTRACK_HOME", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = HOME / "secret_key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    HOME.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


SECRET_KEY = _secret_key()
# The keys of the ID numbers' keyed hashes (worker return, poverty alleviation): ``id:key`` pairs, the current one
# first, from ``PERSONAL_DATA_KEY`` or the file ``PERSONAL_DATA_KEY_FILE``. A secret of its own: never the secret
# key, never kept under DUALTRACK_HOME beside the database; without it the application does not start in production
# (core.checks). ``./run demo`` keeps one in ~/.config/dualtrack/. README, "Keys for personal data".
PERSONAL_DATA_KEY_FILE = os.environ.get("PERSONAL_DATA_KEY_FILE", "")
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "") or (
    Path(PERSONAL_DATA_KEY_FILE).expanduser().read_text(encoding="utf-8") if PERSONAL_DATA_KEY_FILE
    and Path(PERSONAL_DATA_KEY_FILE).expanduser().is_file() else "")
# The human-resources bureau (人社局) that plans point-to-point worker return and sees the workers' personal data
# (its department code), and how long after the campaign's last arrival the personal data is kept.
WORKER_RETURN_BUREAU = os.environ.get("WORKER_RETURN_BUREAU", "RSJ")
WORKER_RETURN_RETENTION_DAYS = int(os.environ.get("WORKER_RETURN_RETENTION_DAYS", "90"))
# 复工备案: the officers' names and phones are kept this long after HQ ends the filing work (rule set ``filing``)
FILINGS_RETENTION_DAYS = int(os.environ.get("FILINGS_RETENTION_DAYS", "90"))
# The department that keeps the anti-epidemic supplies' depots (防疫物资, a department's code; 经信局 by default): it
# records receipts, commits and issues, and sees every request.
SUPPLIES_OFFICE = os.environ.get("SUPPLIES_OFFICE", "JXJ")
# The department in charge of 亩均论英雄 (a department's code; 经信局 by default): it computes, publishes and finalises
# the year's assessment of enterprises and answers their objections.
ASSESSMENT_OFFICE = os.environ.get("ASSESSMENT_OFFICE", "JXJ")
# The poverty office (扶贫办, a department's code) that sees and imports every household.
POVERTY_OFFICE = os.environ.get("POVERTY_OFFICE", "FPB")
# The development and reform commission (发改委, a department's code) that keeps the key projects' bids for
# higher-level funds (争资) and imports them.
FUND_BID_OFFICE = os.environ.get("FUND_BID_OFFICE", "FGW")
# The one clock (DOMAIN.md §15): an ISO date-time such as 2020-04-30T18:00:00+08:00 fixes every "today" and "now"
# of the domain for a demo, a training or a replay; unset, the real time. ``./run demo`` sets the demo city's last day.
DUALTRACK_CLOCK = os.environ.get("DUALTRACK_CLOCK", "")
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "dualtrack.core.admin_config.HQAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "dualtrack.core",
    "dualtrack.accounts",
    "dualtrack.registry",
    "dualtrack.epidemic",
    "dualtrack.power",
    "dualtrack.resumption",
    "dualtrack.bulletins",
    "dualtrack.problems",
    "dualtrack.liaison",
    "dualtrack.projects",
    "dualtrack.policies",
    "dualtrack.economy",
    "dualtrack.workreturn",
    "dualtrack.poverty",
    "dualtrack.investment",
    "dualtrack.filings",
    "dualtrack.supplies",
    "dualtrack.assessment",
    "dualtrack.demo",
    "dualtrack.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dualtrack.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dualtrack.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dualtrack.core.middleware.RequestContextMiddleware",
    "dualtrack.core.middleware.ContentSecurityPolicyMiddleware",
    "dualtrack.core.middleware.ConcurrentChangeMiddleware",
    "axes.middleware.AxesMiddleware",
]
# Sent on every page: scripts only from the application's own files (no inline script; json_script data blocks
# are not executed), no framing, forms post only here. Styles may be inline (ECharts sizes its elements).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

ROOT_URLCONF = "dualtrack.urls"
WSGI_APPLICATION = "dualtrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dualtrack.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{HOME / 'dualtrack.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    HOME.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Stateless app servers: sessions live in the database, so any server behind a load balancer serves any user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 30 * 60  # 30-minute idle timeout ...
SESSION_SAVE_EVERY_REQUEST = True  # ... renewed by each request
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = _env_bool("SECURE_COOKIES")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

PASSWORD_HASHERS = [
    "dualtrack.accounts.hashers.OwaspArgon2PasswordHasher",  # also verifies (and upgrades) older argon2 hashes
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The name a failed sign-in is counted under, cut to what its table holds (a 3,000-character name answered 500 on
# PostgreSQL: value too long for varchar(255)).
AXES_USERNAME_CALLABLE = "dualtrack.accounts.services.login_username"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dualtrack.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the app folders when collectstatic has not run
MEDIA_ROOT = HOME / "media"
# Where users reach this installation: notifications, e-mails and robot messages carry absolute links to it.
SITE_URL = os.environ.get("DUALTRACK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The triage suggestion model, trained by the worker (problems-triage-model step), read by pages.
TRIAGE_MODEL_PATH = Path(os.environ.get("TRIAGE_MODEL_PATH", HOME / "triage-model.pickle"))
# Problem attachments: outside the web root, served only through a scope-checked view.
ATTACHMENTS_ROOT = Path(os.environ.get("ATTACHMENTS_DIR", HOME / "attachments"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads are streamed to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)))
# An .xlsx is a zip: what it unpacks to is limited too (a 2 MB file can unpack to 500 MB), and so are the rows
# of a file imported row by row. Both are checked while the file is read, before anything is written.
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(256 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000000"))
# An export with more rows than this runs as a background job with its progress shown (core.exportjobs).
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "5000"))
EXPORTS_ROOT = Path(os.environ.get("EXPORTS_ROOT") or HOME / "exports")  # their files, kept a day
# PDF printing (a headless Chromium, about 1 GiB each): at most this many at once on the machine (core.pdf).
PDF_CONCURRENCY = int(os.environ.get("PDF_CONCURRENCY", "2"))
# The earliest day any page or API call may ask for (?date=); later than today is refused too.
DATA_EARLIEST_DAY = os.environ.get("DATA_EARLIEST_DAY", "2000-01-01")

# API tokens stop working this many days after they were made; rotation makes a new one (audited).
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "90"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dualtrack.core.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["dualtrack.core.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute"},
    "EXCEPTION_HANDLER": "dualtrack.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dualtrack API",
    "DESCRIPTION": "统筹推进疫情防控和经济社会发展调度平台 REST API (token auth: `Authorization: Token <key>`).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the vendored sidecar package, never a CDN; the schema and the docs need a signed-in user.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "dualtrack.core.openapi.add_error_responses"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/")

# The daily bulletin: generated each day at this time (Asia/Shanghai) by `dualtrack worker`.
BULLETIN_TIME = os.environ.get("BULLETIN_TIME", "08:00")
# The bulletin's official layout (GB/T 9704): the issuing body in the red header (default: the city's command
# headquarters), the office that prints it, and the distribution line (抄送), separated by "，".
BULLETIN_ISSUER = os.environ.get("BULLETIN_ISSUER", "")
BULLETIN_OFFICE = os.environ.get("BULLETIN_OFFICE", "")
BULLETIN_CC = [part.strip() for part in os.environ.get(
    "BULLETIN_CC", "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室，各区县（市）指挥部").split("，") if part.strip()]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
                               if not os.environ.get("EMAIL_HOST") else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dualtrack@localhost")
