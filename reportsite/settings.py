"""
Settings for the 政府信息公开工作年度报告 system.

One flat file, configured entirely through environment variables (in the style of
healthchecks.io). Every variable is listed in README.md.

Development is the default: with no environment at all you get DEBUG on, SQLite in
``db.sqlite3`` and an insecure fixed SECRET_KEY. Production sets ``DEBUG=0`` and then *must*
provide SECRET_KEY and ALLOWED_HOSTS (startup fails with a clear message otherwise).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting. Anything but the words below stops start-up: ``SECURE_SSL_REDIRECT=ture`` must not
    quietly mean "no"."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value. Use one of {', '.join(TRUE_WORDS)} (yes) "
            f"or {', '.join(FALSE_WORDS)} (no), in any case, or leave {name} unset for the default."
        )
    return word in TRUE_WORDS


def env_count(name: str, default: int) -> int:
    """A whole number, 0 or more. Anything else stops start-up with a message naming the variable."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if not value.strip().isdigit():
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a whole number. Use 0, 1, 2, … or leave {name} unset for {default}."
        )
    return int(value.strip())


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# DEBUG is ON unless the environment says DEBUG=0 / false / no (development default).
DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production-0123456789abcdef"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the environment variable SECRET_KEY must hold a "
            "long random string, e.g. the output of: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off set ALLOWED_HOSTS to the comma-separated host "
        "names the site is served under, e.g. ALLOWED_HOSTS=reports.example.gov.cn"
    )
# Full origins, e.g. "https://reports.example.gov.cn" (needed behind some HTTPS proxies).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    # Before django_tasks_db: disclosure's db_worker (which first re-queues interrupted renders) wins.
    "disclosure.apps.DisclosureConfig",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages for visitors, from Django's cache, keyed by the publication generation (disclosure/public).
    "disclosure.public.pagecache.PublicPageCacheMiddleware",
    # Compresses the public pages only (they carry no secret: BREACH), before the cache keeps them.
    "disclosure.public.compression.PublicGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses a flood of login POSTs from one IP before anything hashes a password (disclosure/loginflood.py).
    "disclosure.loginflood.LoginFloodMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # django-axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reportsite.urls"
WSGI_APPLICATION = "reportsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The app's templates override those of django.contrib.admin (registration/), so they come first.
        "DIRS": [BASE_DIR / "disclosure" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "disclosure.context_processors.site_footer",
                "disclosure.context_processors.workspace_menu",
            ],
        },
    },
]

# --- The site's footer ---------------------------------------------------------------------
# What an official site states at the foot of every page, set by the site's administrator: the 主办单位, how to
# reach it (telephone or e-mail), and the 网站标识码 given by the 政府网站 register. Empty: the line is left out.
SITE_ORGANIZER = os.environ.get("SITE_ORGANIZER", "").strip()
SITE_CONTACT = os.environ.get("SITE_CONTACT", "").strip()
SITE_IDENTIFIER = os.environ.get("SITE_IDENTIFIER", "").strip()

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://user:password@127.0.0.1:5432/disclosure ; default SQLite.

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend must be first: it refuses logins while an account is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/workspace/login/"
LOGIN_REDIRECT_URL = "/workspace/"
LOGOUT_REDIRECT_URL = "/"

# The client's IP address, for every IP-based rule below (disclosure/clientip.py): the number of reverse
# proxies in front of the application that append to X-Forwarded-For (nginx with $proxy_add_x_forwarded_for:
# 1). 0 = no proxy: X-Forwarded-For is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_count("TRUSTED_PROXY_COUNT", 0)

# Brute-force protection: 5 failures for the same username from the same IP lock that pair for 1 hour (an
# attacker on one address cannot lock a user out for everyone else).
AXES_CLIENT_IP_CALLABLE = "disclosure.clientip.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"  # a Chinese page (status 429) instead of English text
AXES_VERBOSE = False  # no "AXES: BEGIN" banner on every command; lockouts are still logged

# Flood limit: at most this many login POSTs per client IP per window, counted in the cache; the next ones get
# a 429 page without reaching the password hasher (disclosure/loginflood.py). 0 turns the limit off.
LOGIN_ATTEMPTS_PER_MINUTE = env_count("LOGIN_ATTEMPTS_PER_MINUTE", 20)
LOGIN_ATTEMPTS_WINDOW = 60  # seconds

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded/generated files --------------------------------------------------

STATIC_URL = "/static/"
# All assets live in disclosure/static and are found by the app-directories finder (also from a wheel).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")

# Rendered outputs of published versions (page body, PDF, Word file) go through Django's storage API: the
# local folder MEDIA_ROOT by default, S3-compatible object storage when S3_BUCKET is set (django-storages).
# The frozen JSON document stays in the database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"

# The CJK fonts of the published PDF cut to GB 2312 by `manage.py subset_fonts` (`make fonts`): generated
# files, not in git; disclosure/pdf_fonts.py. Installed from the wheel, set it outside site-packages.
FONT_CACHE_DIR = Path(os.environ.get("FONT_CACHE_DIR") or BASE_DIR / "var" / "fonts")

S3_BUCKET = os.environ.get("S3_BUCKET", "")
# How long a signed download URL handed out by a redirect stays valid.
SIGNED_URL_SECONDS = int(os.environ.get("SIGNED_URL_SECONDS") or 300)
# Local storage behind nginx: e.g. "/_media/" makes downloads an X-Accel-Redirect to that internal location
# (which nginx maps to MEDIA_ROOT) instead of Python streaming the file. Empty: Django sends the file.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")

if S3_BUCKET:
    _endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": _endpoint,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            "default_acl": None,  # private objects; visitors get signed URLs
            "querystring_auth": True,
            "querystring_expire": SIGNED_URL_SECONDS,
            "file_overwrite": True,  # names are content hashes: the same name is the same bytes
            "signature_version": "s3v4",
            # Path-style URLs for S3-compatible servers (MinIO, Ceph, moto), virtual-host style on AWS.
            "addressing_style": "path" if _endpoint else "auto",
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": DEFAULT_STORAGE,
    # Hashed, compressed files in production (needs collectstatic); plain files in development
    # and tests, so that no collectstatic run is needed there.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Cache --------------------------------------------------------------------------------
# The public page cache (disclosure/public/pagecache.py). Local memory by default (one per process; the
# publication generation in the database still empties every process's pages at once); CACHE_URL=redis://…
# shares the pages between all processes and servers and keeps the generation there too, so that a cached
# page or download needs no database query.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "disclosure.cache.RedisCache", "LOCATION": CACHE_URL},
        # Each process's own copy of the public pages it served, checked against the shared generation.
        "process": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}},
    }
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: only redis://host:port/db (or rediss://, unix://) works")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail ---------------------------------------------------------------------------------
# Reminders to editors (the supervising office's overview) and set-password links of imported accounts. Without
# EMAIL_HOST, messages are printed on the console (standard output) instead of being sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_count("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "年度报告系统 <noreply@localhost>"

# --- Background tasks ---------------------------------------------------------------------
# Rendering a published version (disclosure/tasks.py) is a task of Django's tasks API (django-tasks backport).
# TASKS_BACKEND=immediate (default): it runs in the publishing process, right after the freeze — nothing to
# start in development. TASKS_BACKEND=database: it is queued in the database and run by `manage.py db_worker`.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use one of {', '.join(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# A render that started this many seconds ago and has not finished is taken for interrupted (its worker was
# killed): the next `db_worker` to start queues it again.
RENDER_STALE_SECONDS = int(os.environ.get("RENDER_STALE_SECONDS") or 600)
# For tests only: every render waits this long first, so that a test can kill a worker in the middle of one.
RENDER_DELAY_SECONDS = float(os.environ.get("RENDER_DELAY_SECONDS") or 0)

# Fixed here from the environment's DEBUG: pytest-django turns settings.DEBUG off while tests run,
# and WhiteNoise would then want a collected STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------------------

# django-csp 4.x format. No 'unsafe-inline': all CSS and JS come from static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if env_bool("SECURE_PROXY_SSL_HEADER", False):
    # Only behind a reverse proxy that sets (and strips from clients) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint and fontTools are very chatty at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # A task run in the process that queued it (the immediate backend) would log two lines per rendering
        # (running, successful) among the command's or request's own output; db_worker's logs keep them.
        "django_tasks": {"level": "INFO" if TASKS_BACKEND == "database" else "WARNING"},
    },
}
