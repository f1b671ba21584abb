"""Settings for the therapy project, read from the environment in this one place.

With nothing set, the project runs on its embedded defaults: a SQLite file and a Celery
broker on the local filesystem, so `make run` needs no server. With DATABASE_URL and
REDIS_URL set, the same code runs on PostgreSQL and Redis (tests always do).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

from therapy.queues import queue_settings

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)
# The development key only exists when DEBUG is on; production must bring its own.
SECRET_KEY = env("SECRET_KEY") if not DEBUG else env("SECRET_KEY", default="dev-only-insecure-key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_NAME = env("SITE_NAME", default="Psoas Care")
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "programs",
]

MIDDLEWARE = [
    "therapy.middleware.RequestIdMiddleware",
    "therapy.middleware.NulByteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "therapy.middleware.SessionIdleTimeoutMiddleware",
    "therapy.middleware.MfaRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "therapy.urls"
WSGI_APPLICATION = "therapy.wsgi.application"

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
                "django.template.context_processors.csp",
                "therapy.context_processors.site",
                "therapy.context_processors.viewer",
            ],
            # The one date/time formatter for people, usable in every template.
            "builtins": ["therapy.when"],
        },
    },
    {
        # Plain text (email bodies and subjects, SMS): nothing is HTML-escaped, so a name such
        # as O'Neil reads O'Neil, not O&#x27;Neil. Render .txt templates with using="text".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": ["therapy.when"]},
    },
]

# --- Data -----------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A new connection per request costs 4-5x on this kind of machine.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=600))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling, .iterator() must not open server-side cursors
    # (a cursor would outlive the transaction's server connection): docs/operations.md.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

RUN_DIR = Path(env("RUN_DIR", default=str(BASE_DIR / ".run")))
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Embedded default: a folder every process shares (web and worker), so rate limits and
    # pending enrolments are seen by all of them, as they are on Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(RUN_DIR / "cache"),
        }
    }

# --- Celery ---------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # An unacknowledged task (its worker was killed) comes back after this many seconds.
    _visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": _visibility_timeout,
        # Look for abandoned messages often enough for the timeout to mean what it says.
        "unacked_restore_interval": min(10, _visibility_timeout),
        "unacked_restore_throttle": 1 if _visibility_timeout < 60 else 10,
    }
else:
    # Embedded default: kombu's filesystem transport works across processes with no server.
    _queue_dir = RUN_DIR / "broker" / "queue"
    _processed_dir = RUN_DIR / "broker" / "processed"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        # kombu keeps its exchange table in ./control unless told otherwise.
        "control_folder": str(RUN_DIR / "broker" / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="therapy")
# Reminders, roster imports and email each have a queue of their own, named after the default
# one ("therapy.reminders", ...): therapy/queues.py. A worker started without -Q consumes them
# all (`make run`, docker-compose.yml, the tests' workers); docs/operations.md says how to give
# each its own workers.
_queues = queue_settings(CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_QUEUES = _queues["task_queues"]
CELERY_TASK_ROUTES = _queues["task_routes"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    "visit-reminders-sweep": {
        "task": "programs.tasks.visit_reminders_sweep_task",
        "schedule": 60.0,
    },
    # One static entry sweeps every patient's due reminders; no beat entry per patient.
    # crontab(): at the start of every minute, so an 08:00 reminder leaves at 08:00, not 08:00:59.
    "reminders-sweep": {"task": "programs.tasks.reminders_sweep_task", "schedule": crontab()},
    # Retention: closed accounts' data, then their clinical record (docs/security.md).
    "records-sweep": {"task": "programs.tasks.records_sweep_task", "schedule": 60 * 60 * 24},
    # Caseload summaries and alerts; completions also trigger an evaluation for their patient.
    "programs-alerts-sweep": {
        "task": "programs.tasks.programs_alerts_sweep_task",
        "schedule": env.int("ALERTS_SWEEP_SECONDS", default=15 * 60),
    },
    # Progression suggestions (docs/progression.md): weekly, Monday 06:00 UTC; a finished
    # session also checks its patient.
    "progression-sweep": {
        "task": "programs.tasks.progression_sweep_task",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    # Urgent alerts nobody acknowledged in time go to the staff care-coordination queue.
    "programs-alerts-escalate": {
        "task": "programs.tasks.programs_alerts_escalate_task",
        "schedule": env.int("ALERTS_ESCALATE_SWEEP_SECONDS", default=5 * 60),
    },
    # Employer dashboard rollups: each closed day once; hourly so a missed run catches up soon.
    "activity-rollup": {"task": "accounts.tasks.activity_rollup_task", "schedule": 3600.0},
    # Uploaded roster files are deleted when an import ends; this catches any left behind.
    "roster-uploads-sweep": {
        "task": "accounts.tasks.roster_uploads_sweep_task",
        "schedule": 60 * 60 * 24,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(RUN_DIR / "celerybeat-schedule")

# --- Care team: messages and video visits ----------------------------------------------
# A burst of messages sends one "new message" email per recipient within this gap.
MESSAGE_EMAIL_MIN_GAP_SECONDS = env.int("MESSAGE_EMAIL_MIN_GAP_SECONDS", default=15 * 60)
VIDEO_PROVIDER_BASE_URL = env("VIDEO_PROVIDER_BASE_URL", default="https://meet.jit.si")

# --- Accounts and passwords -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Sign-in security (docs/security.md) -----------------------------------------------
# Roles that must pass a second factor (TOTP) before reaching anything. Patients may opt in.
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES", default=["therapist", "staff", "employer_admin"]
)
OTP_TOTP_ISSUER = SITE_NAME
SESSION_IDLE_MINUTES_STAFF_ROLES = env.int("SESSION_IDLE_MINUTES_STAFF_ROLES", default=15)
SESSION_IDLE_MINUTES_PATIENT = env.int("SESSION_IDLE_MINUTES_PATIENT", default=60)
# API tokens (hashed, accounts.models.ApiToken) live this long at most; the idle limits above
# apply to them too.
API_TOKEN_DAYS_PATIENT = env.int("API_TOKEN_DAYS_PATIENT", default=30)
API_TOKEN_HOURS_STAFF_ROLES = env.int("API_TOKEN_HOURS_STAFF_ROLES", default=12)
# The OpenAPI schema and /api/docs/: public while developing, signed-in people only otherwise.
API_SCHEMA_PUBLIC = env.bool("API_SCHEMA_PUBLIC", default=DEBUG)
# django-axes: failures are counted in PostgreSQL, which every app process shares, per account
# and per client IP (either one reaching the limit locks). The IP is the TCP peer unless
# TRUSTED_PROXY_COUNT trusted proxies are declared, so a spoofed X-Forwarded-For changes nothing.
# A lock lifts by itself after the cool-off and failures during a lockout do not extend it, so
# no one can lock an account for good.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True  # through LockoutHandler: the signed-in account's rows only
AXES_HANDLER = "accounts.services.security.LockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.security.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.services.security.lockout_username"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "therapy.client_ip.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]
# Sign-up and password-reset requests allowed per window (fixed windows counted in Redis,
# therapy.rate_limits), per client IP and per email address; past either, 429.
SIGNUP_ATTEMPTS_PER_IP = env.int("SIGNUP_ATTEMPTS_PER_IP", default=20)
SIGNUP_ATTEMPTS_PER_EMAIL = env.int("SIGNUP_ATTEMPTS_PER_EMAIL", default=5)
PASSWORD_RESETS_PER_IP = env.int("PASSWORD_RESETS_PER_IP", default=20)
PASSWORD_RESETS_PER_EMAIL = env.int("PASSWORD_RESETS_PER_EMAIL", default=5)
ACCOUNT_RATE_WINDOW_SECONDS = env.int("ACCOUNT_RATE_WINDOW_SECONDS", default=3600)
# Retention (docs/security.md): a closed account's data outside the clinical record is kept
# this many days, then erased.
CLOSED_ACCOUNT_RETENTION_DAYS = env.int("CLOSED_ACCOUNT_RETENTION_DAYS", default=30)
# The clinical record of a closed account is kept this many years after the last activity
# (US state medical-record laws ask for 5-10 years for adults, some longer for minors).
CLINICAL_RECORD_RETENTION_YEARS = env.int("CLINICAL_RECORD_RETENTION_YEARS", default=10)


# --- Eligibility and rosters ------------------------------------------------------------
# A roster file that would end more than this share of the people covered waits for an admin.
ROSTER_MAX_END_FRACTION = env.float("ROSTER_MAX_END_FRACTION", default=0.2)
ROSTER_MAX_UPLOAD_BYTES = env.int("ROSTER_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
# "Do I qualify?" checks allowed per window, per client IP and per sponsor.
ELIGIBILITY_CHECKS_PER_IP = env.int("ELIGIBILITY_CHECKS_PER_IP", default=20)
ELIGIBILITY_CHECKS_PER_SPONSOR = env.int("ELIGIBILITY_CHECKS_PER_SPONSOR", default=1000)
ELIGIBILITY_RATE_WINDOW_SECONDS = env.int("ELIGIBILITY_RATE_WINDOW_SECONDS", default=600)
# Aggregates drawn from fewer people than this show as "<N" to employer admins.
EMPLOYER_MIN_CELL_SIZE = env.int("EMPLOYER_MIN_CELL_SIZE", default=11)
ENROLMENT_LINK_MAX_AGE_SECONDS = env.int("ENROLMENT_LINK_MAX_AGE_SECONDS", default=14 * 24 * 3600)
# A clinic's or PT's invitation link stays valid this long.
INVITATION_MAX_AGE_SECONDS = env.int("INVITATION_MAX_AGE_SECONDS", default=7 * 24 * 3600)
# The link that finishes an enrolment (emailed to the address the person gave) works this long.
ENROLMENT_CONFIRM_MAX_AGE_SECONDS = env.int("ENROLMENT_CONFIRM_MAX_AGE_SECONDS", default=24 * 3600)
# An urgent alert no PT acknowledged after this many hours is escalated to staff.
ALERT_ESCALATION_HOURS = env.float("ALERT_ESCALATION_HOURS", default=4.0)


# --- Email ----------------------------------------------------------------------------
def _mailer_from_url(url: str) -> dict:
    """EMAIL_URL (smtp://user:pass@host:port, consolemail://, ...) as a Django 6.1 mailer."""
    parsed = environ.Env.email_url_config(url)
    options: dict = {}
    if parsed["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        options = {
            "host": parsed.get("EMAIL_HOST") or "localhost",
            "port": parsed.get("EMAIL_PORT") or 25,
            "username": parsed.get("EMAIL_HOST_USER") or "",
            "password": parsed.get("EMAIL_HOST_PASSWORD") or "",
            "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
            "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
    return {"BACKEND": parsed["EMAIL_BACKEND"], "OPTIONS": options}


MAILERS = {"default": _mailer_from_url(env("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Psoas Care <care@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Reminders and text messages -------------------------------------------------------
REMINDERS_SWEEP_BATCH = env.int("REMINDERS_SWEEP_BATCH", default=5000)  # rows per transaction
REMINDERS_SEND_BATCH = env.int("REMINDERS_SEND_BATCH", default=500)  # delivery ids per message
REMINDERS_MAX_ATTEMPTS = env.int("REMINDERS_MAX_ATTEMPTS", default=5)
REMINDERS_RETRY_BASE_SECONDS = env.float("REMINDERS_RETRY_BASE_SECONDS", default=30.0)
REMINDERS_REQUEUE_AFTER_SECONDS = env.int("REMINDERS_REQUEUE_AFTER_SECONDS", default=600)
REMINDERS_STALE_AFTER_SECONDS = env.int("REMINDERS_STALE_AFTER_SECONDS", default=3 * 60 * 60)
SMS_BACKEND = env("SMS_BACKEND", default="programs.sms.ConsoleSmsBackend")
SMS_HTTP_URL = env("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", default="")
# Web Push (VAPID, RFC 8292). `python manage.py vapid_keys` makes a pair. The pair below is for
# development and tests only and exists only when DEBUG is on; without a pair of its own,
# production offers no push (push reminders fall back to email). A push service ties every
# subscription to the public key it was made with: keep the pair for the life of the service.
_DEV_VAPID_PUBLIC_KEY = (
    "BF2WskFCQNJGP6_8uldZ44mF4LqRuiD-Ga0FFnn3H58ibuPnK0eoY7Ytk53W27VM_BgPDNtSDpGXuAYMw6D3XbA"
)
_DEV_VAPID_PRIVATE_KEY = "F87WMd__lkQbEjqp8u4f4eo9Z5-ffVYDzID_pZ-Qu-k"
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY", default=_DEV_VAPID_PUBLIC_KEY if DEBUG else "")
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY", default=_DEV_VAPID_PRIVATE_KEY if DEBUG else "")
VAPID_SUBJECT = env("VAPID_SUBJECT", default="mailto:care@localhost")
PUSH_TIMEOUT_SECONDS = env.float("PUSH_TIMEOUT_SECONDS", default=10.0)
# The push services browsers use (a host or a parent domain): the only places reminders are
# pushed to, so a made-up endpoint cannot aim our workers at an internal address.
PUSH_SERVICE_HOSTS = env.list(
    "PUSH_SERVICE_HOSTS",
    default=[
        "fcm.googleapis.com",
        "push.services.mozilla.com",
        "push.apple.com",
        "notify.windows.com",
    ],
)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# The service worker's cache version (therapy/offline.py): empty means the static manifest's hash.
SERVICE_WORKER_VERSION = env("SERVICE_WORKER_VERSION", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "therapy.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".run" / "media")))

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request is then answered 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.security_authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "therapy.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Psoas Care API",
    "DESCRIPTION": "Exercise therapy for hip-flexor tightness: patients, therapists, sponsors.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own origin: no CDN, and the page stays within the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "therapy.api_schema.add_common_error_responses",
    ],
}

# --- Security headers -----------------------------------------------------------------
# No inline scripts or styles anywhere: everything is served from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: no request bodies, no health data ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Replaces Django's error email (tracebacks with locals and POST data): see
        # therapy/error_reports.py.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "therapy.error_reports.NoDataAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # axes logs every sign-in with the email at INFO: keep only its warnings.
        "axes": {"level": "WARNING"},
    },
}
# Who receives error emails (comma-separated addresses); none by default.
ADMINS = env.list("ADMINS", default=[])
