"""Settings for Toegang, driven by environment variables with safe defaults.

DATABASE_URL chooses the database (default: SQLite file in var/). DEBUG is off unless
TOEGANG_DEBUG=1. See docs/operations.md for every variable.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/toegang
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("TOEGANG_DEBUG", False)
SECRET_KEY = os.environ.get("TOEGANG_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or env_bool("TOEGANG_DEMO")):
        raise ImproperlyConfigured("TOEGANG_SECRET_KEY ontbreekt: zet een geheime sleutel (zie docs/operations.md).")
    SECRET_KEY = "insecure-demo-key-only-for-make-run"  # noqa: S105

ALLOWED_HOSTS = env_list("TOEGANG_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("TOEGANG_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    # the REST API (toegang/api/, docs/api.md); rest_framework itself is not an app here: its Dutch catalogue
    # would replace Django's wording of the forms' messages ("vereist" for "verplicht")
    "drf_spectacular",
    "oauth2_provider",  # OAuth2 client credentials for applications calling the API
    "toegang.api",
    "toegang.common",
    "toegang.accounts",
    "toegang.audit",
    "toegang.people",
    "toegang.signals",
    "toegang.cases",
    "toegang.plans",
    "toegang.privacy",
    "toegang.procedures",
    "toegang.istandaarden",
    "toegang.network",
    "toegang.steering",
    "toegang.governance",
    "toegang.portal",
    "toegang.events",
    "zgw_consumers",  # the ZGW services (Zaken API, Besluiten API) and their authentication: zgw/, docs/zgw.md
    "simple_certmanager",  # zgw_consumers' (mutual) TLS certificates of a service
    "toegang.zgw",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "toegang.privacy.context.EmergencyContextMiddleware",
    "toegang.audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "toegang.accounts.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "toegang.common.middleware.LoginRequiredMiddleware",
    "toegang.accounts.twofactor.TwoFactorRequiredMiddleware",
    "toegang.common.http.FriendlyMethodNotAllowedMiddleware",
    "axes.middleware.AxesMiddleware",
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ROOT_URLCONF = "toegang.urls"
WSGI_APPLICATION = "toegang.wsgi.application"

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
                "toegang.common.context_processors.navigation",
            ],
            # Django's ``date`` filter, ``url`` tag and ``i18n`` tags, remembered where their output
            # repeats (common/templatetags/); templates therefore do not ``{% load i18n %}``
            "builtins": [
                "toegang.common.templatetags.dates",
                "toegang.common.templatetags.urls",
                "toegang.common.templatetags.translations",
            ],
        },
    },
]

DEFAULT_DB = "sqlite:///" + str(PROJECT_DIR / "var" / "toegang.sqlite3")
# Persistent connections are checked before reuse: after a database restart the next request reconnects.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DB), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: WAL, IMMEDIATE write transactions and a busy timeout, so that
    # concurrent requests queue instead of failing with "database is locked" (ADR 0002).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend plus one statement that may be in flight: a read's audit commit (ADR 0017).
    DATABASES["default"]["ENGINE"] = "toegang.common.pgbackend"
    # No JIT compilation: pages run short queries whose cost estimate can pass jit_above_cost, and then
    # compiling takes longer than the query (40 ms against 4 ms on the caseload of seed M).
    # Added to any options given in DATABASE_URL; behind PgBouncer in transaction mode, which refuses the
    # options startup parameter, set jit = off on the database instead (docs/operations.md).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("TOEGANG_PG_SESSION_OPTIONS", True):
        _options["options"] = (str(_options.get("options", "")) + " -c jit=off").strip()
    # Server-side binding and prepared statements (ADR 0014): a statement that has run five times on a
    # connection is prepared, so that its parsing and planning are not paid on every request. Behind
    # PgBouncer in transaction mode this needs PgBouncer 1.21+ with max_prepared_statements, else set 0.
    if env_bool("TOEGANG_PG_PREPARE", True):
        from toegang.common.pgcursor import PreparingCursor

        _options.setdefault("server_side_binding", True)  # so that Django's query log composes the SQL
        _options.setdefault("cursor_factory", PreparingCursor)
        _options.setdefault("prepare_threshold", 5)

# A read-only replica for the steering pages (toegang/common/replica.py, docs/operations.md).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
    }
DATABASE_ROUTERS = ["toegang.common.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "toegang.accounts.backends.AccountsBackend"]

# Optional single sign-on with the municipality's OpenID Connect provider (accounts/oidc.py).
OIDC_ENABLED = bool(os.environ.get("TOEGANG_OIDC_CLIENT_ID"))
if OIDC_ENABLED:
    OIDC_RP_CLIENT_ID = os.environ["TOEGANG_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("TOEGANG_OIDC_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("TOEGANG_OIDC_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("TOEGANG_OIDC_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("TOEGANG_OIDC_USERINFO_ENDPOINT", "")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("TOEGANG_OIDC_JWKS_ENDPOINT") or None
    OIDC_RP_SIGN_ALGO = os.environ.get("TOEGANG_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email profile"
    OIDC_CREATE_USER = False
    LOGIN_REDIRECT_URL_FAILURE = "/inloggen/?sso=mislukt"
    AUTHENTICATION_BACKENDS.append("toegang.accounts.oidc.OIDCBackend")

# The resident portal (/mijn/, portal/): residents log in with DigiD through an OpenID Connect broker
# (portal/oidc.py, docs/portal.md). Without a broker, the demo of `make run` and the tests use the DigiD
# simulator of portal/simulator.py, which every portal page then announces; never in production.
_PORTAL_BROKER = bool(os.environ.get("TOEGANG_PORTAL_OIDC_CLIENT_ID"))
DIGID_SIMULATOR = not _PORTAL_BROKER and env_bool("TOEGANG_DIGID_SIMULATOR", env_bool("TOEGANG_DEMO"))
if DIGID_SIMULATOR and not (DEBUG or env_bool("TOEGANG_DEMO")):
    raise ImproperlyConfigured(
        "TOEGANG_DIGID_SIMULATOR: de DigiD-simulatie laat iedereen inloggen met elk BSN; alleen in de demo "
        "(TOEGANG_DEMO=1) of bij ontwikkelen (TOEGANG_DEBUG=1)."
    )
if _PORTAL_BROKER:
    _missing = [
        f"TOEGANG_PORTAL_OIDC_{name}"
        for name in ("CLIENT_SECRET", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "USERINFO_ENDPOINT", "ISSUER")
        if not os.environ.get(f"TOEGANG_PORTAL_OIDC_{name}")
    ]
    if _missing:
        raise ImproperlyConfigured(f"Portaal (DigiD via OIDC): {', '.join(_missing)} ontbreekt (docs/portal.md).")
PORTAL_ENABLED = _PORTAL_BROKER or DIGID_SIMULATOR
PORTAL_BSN_CLAIM = os.environ.get("TOEGANG_PORTAL_BSN_CLAIM", "bsn")
PORTAL_LOA_CLAIM = os.environ.get("TOEGANG_PORTAL_LOA_CLAIM", "acr")
PORTAL_MIN_LOA = os.environ.get("TOEGANG_PORTAL_MIN_LOA", "substantieel")  # checked at start-up (portal/apps.py)
PORTAL_LOA_VALUES: dict[str, int] = {}  # extra acr values of a broker, each with its rank 1 (Basis) .. 4 (Hoog)
# the simulator's client secret: derived from the secret key, never the key itself
_SIMULATOR_SECRET = hashlib.sha256(b"toegang-digid-simulatie:" + SECRET_KEY.encode()).hexdigest()
PORTAL_OIDC = {
    "OIDC_RP_CLIENT_ID": os.environ.get("TOEGANG_PORTAL_OIDC_CLIENT_ID", "toegang-portaal"),
    "OIDC_RP_CLIENT_SECRET": os.environ.get("TOEGANG_PORTAL_OIDC_CLIENT_SECRET") or _SIMULATOR_SECRET,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": os.environ.get(
        "TOEGANG_PORTAL_OIDC_AUTHORIZATION_ENDPOINT", "/digid-simulatie/inloggen/"
    ),
    "OIDC_OP_TOKEN_ENDPOINT": os.environ.get("TOEGANG_PORTAL_OIDC_TOKEN_ENDPOINT", "/digid-simulatie/token/"),
    "OIDC_OP_USER_ENDPOINT": os.environ.get("TOEGANG_PORTAL_OIDC_USERINFO_ENDPOINT", "/digid-simulatie/userinfo/"),
    "OIDC_OP_JWKS_ENDPOINT": os.environ.get("TOEGANG_PORTAL_OIDC_JWKS_ENDPOINT") or None,
    "OIDC_OP_ISSUER": os.environ.get("TOEGANG_PORTAL_OIDC_ISSUER", "/digid-simulatie/"),
    "OIDC_RP_SIGN_ALGO": os.environ.get("TOEGANG_PORTAL_OIDC_SIGN_ALGO", "HS256"),
    "OIDC_RP_SCOPES": os.environ.get("TOEGANG_PORTAL_OIDC_SCOPES", "openid"),
    "OIDC_USE_PKCE": True,
    "OIDC_CREATE_USER": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "portal-digid-callback",
    "LOGIN_REDIRECT_URL": "/mijn/",
    "LOGIN_REDIRECT_URL_FAILURE": "/mijn/inloggen/?digid=mislukt",
}
AUTHENTICATION_BACKENDS.append("toegang.portal.oidc.PortalBackend")

# Two-factor authentication (TOTP, django-otp) for every role that sees case content or the audit log.
# Only the demo of `make run` may switch it off; every page then says so in a banner.
REQUIRE_2FA = env_bool("TOEGANG_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = os.environ.get("TOEGANG_OTP_ISSUER", "Toegang")

# Audit log retention in years (DOMAIN.md §5.5: at least 5 years, NEN 7513 / Stcrt. 2019, 38007).
AUDIT_RETENTION_YEARS = int(os.environ.get("TOEGANG_AUDIT_RETENTION_YEARS", "5"))
# PostgreSQL: the audit log in partitions of this many entries, with this many empty ones kept ahead
# (audit/partitions.py, ADR 0013). At 2 million log rows a day, 10 million is about a working week.
AUDIT_PARTITION_SIZE = int(os.environ.get("TOEGANG_AUDIT_PARTITION_SIZE", "10000000"))
AUDIT_PARTITIONS_AHEAD = int(os.environ.get("TOEGANG_AUDIT_PARTITIONS_AHEAD", "2"))

# Consent to share is asked again after this many years at most.
# Generally recognised holidays for the Algemene termijnenwet (art. 3; 5 mei by art. 3 lid 2), by their
# Dutch names in the `holidays` library; a decree can add days (procedures/calendar.py).
ATW_HOLIDAYS = env_list(
    "TOEGANG_ATW_HOLIDAYS",
    "Nieuwjaarsdag,Tweede paasdag,Koningsdag,Bevrijdingsdag,Hemelvaartsdag,Tweede pinksterdag,"
    "Eerste kerstdag,Tweede kerstdag",
)
# A decision whose budgets add up to at least this amount (in euros) needs a second person's approval.
DECISION_FOUR_EYES_CENTS = int(float(os.environ.get("TOEGANG_FOUR_EYES_EUROS", "10000")) * 100)
CONSENT_MAX_YEARS = int(os.environ.get("TOEGANG_CONSENT_MAX_YEARS", "2"))
# Referrals (closed loop): working days within which the receiving side answers, reports the start and
# gives its final feedback, when no partner agreement of the municipality says otherwise; after that a
# reminder goes to the receiving organisation and the regisseur (manage.py verwijzingen herinneren).
REFERRAL_ANSWER_DAYS = int(os.environ.get("TOEGANG_REFERRAL_ANSWER_DAYS", "5"))
REFERRAL_START_DAYS = int(os.environ.get("TOEGANG_REFERRAL_START_DAYS", "10"))
REFERRAL_FEEDBACK_DAYS = int(os.environ.get("TOEGANG_REFERRAL_FEEDBACK_DAYS", "40"))

# Break-the-glass: how long an emergency access lasts.
EMERGENCY_ACCESS_HOURS = float(os.environ.get("TOEGANG_EMERGENCY_HOURS", "4"))

# Failed logins (django-axes): after 5 failures for one user name from one address, 15 minutes' wait.
AXES_FAILURE_LIMIT = int(os.environ.get("TOEGANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TOEGANG_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # logins are in our own audit log
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Documents: stored outside the web root, served only through the access-checked view.
ISTANDAARDEN_DIR = Path(os.environ.get("TOEGANG_ISTANDAARDEN_DIR", str(PROJECT_DIR / "var" / "istandaarden")))
ISTANDAARDEN_TRANSPORT = os.environ.get(
    "TOEGANG_ISTANDAARDEN_TRANSPORT", "toegang.istandaarden.transport.DirectoryTransport"
)
DOCUMENT_ROOT = Path(os.environ.get("TOEGANG_DOCUMENT_ROOT", str(PROJECT_DIR / "var" / "documents")))
UPLOAD_MAX_BYTES = int(float(os.environ.get("TOEGANG_UPLOAD_MAX_MB", "10")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# Background work (common/jobs.py): "celery" hands a job to the Celery worker over the broker (production:
# `celery -A toegang.worker worker`); "thread" runs it in a thread of the web process, one job at a time
# (the embedded default of `make run`); "inline" runs it when the transaction commits, in the same thread
# (tests). Default: "thread" on SQLite, "celery" otherwise.
WORKER = os.environ.get(
    "TOEGANG_WORKER", "thread" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "celery"
)
if WORKER not in ("celery", "thread", "inline"):
    raise ImproperlyConfigured("TOEGANG_WORKER moet celery, thread of inline zijn (zie docs/operations.md).")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # jobs report through their own rows (steering.Export), not a result backend
CELERY_TIMEZONE = TIME_ZONE
# Files of the background exports (steering/exports.py): written whole under a temporary name, then renamed;
# removed after EXPORT_KEEP_DAYS by `manage.py sturing opruimen`. Never served directly.
EXPORT_DIR = Path(os.environ.get("TOEGANG_EXPORT_DIR", str(PROJECT_DIR / "var" / "exports")))
EXPORT_KEEP_DAYS = int(os.environ.get("TOEGANG_EXPORT_KEEP_DAYS", "7"))

# Events (events/, docs/events.md): CloudEvents through a transactional outbox to the webhooks the functional
# administrator subscribes. EVENTS_SOURCE is this installation's URI (the CloudEvents "source"), EVENTS_BASE_URL
# the address the events' object URLs start with. Secrets are stored encrypted with a key derived from
# EVENTS_KEY. Delivery: EVENTS_TIMEOUT_SECONDS per delivery in all (name lookup, connection, TLS, sending and
# reading the answer), backoff base x 2^(n-1) up to the cap plus jitter, given up after EVENTS_MAX_ATTEMPTS
# attempts; batches of EVENTS_BATCH_SIZE, leased for EVENTS_LEASE_SECONDS. EVENTS_INTERNAL_NETWORKS: the
# internal networks a receiver may be in (comma or semicolon separated; events/outbound.py).
EVENTS_BASE_URL = os.environ.get("TOEGANG_BASE_URL", "http://127.0.0.1:8000")
EVENTS_SOURCE = os.environ.get("TOEGANG_EVENTS_SOURCE", EVENTS_BASE_URL.rstrip("/") + "/")
EVENTS_KEY = os.environ.get("TOEGANG_EVENTS_KEY", SECRET_KEY)
EVENTS_ALLOW_HTTP_LOCALHOST = env_bool("TOEGANG_EVENTS_ALLOW_HTTP_LOCALHOST", DEBUG or env_bool("TOEGANG_DEMO"))
EVENTS_TIMEOUT_SECONDS = float(os.environ.get("TOEGANG_EVENTS_TIMEOUT_SECONDS", "5"))
EVENTS_MAX_ATTEMPTS = int(os.environ.get("TOEGANG_EVENTS_MAX_ATTEMPTS", "12"))
EVENTS_RETRY_BASE_SECONDS = float(os.environ.get("TOEGANG_EVENTS_RETRY_BASE_SECONDS", "60"))
EVENTS_RETRY_CAP_SECONDS = float(os.environ.get("TOEGANG_EVENTS_RETRY_CAP_SECONDS", str(6 * 3600)))
EVENTS_RETRY_JITTER = 0.25
EVENTS_BATCH_SIZE = int(os.environ.get("TOEGANG_EVENTS_BATCH_SIZE", "200"))
EVENTS_LEASE_SECONDS = 300


def _events_internal_networks(value: str) -> list[str]:
    import ipaddress

    networks = []
    for entry in value.replace(";", ",").split(","):
        if entry.strip():
            try:
                networks.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
            except ValueError:
                raise ImproperlyConfigured(
                    f"TOEGANG_EVENTS_INTERNAL_NETWORKS: '{entry.strip()}' is geen IP-adres of netwerk; geef netwerken "
                    "gescheiden door komma's, bijvoorbeeld 10.20.0.0/16,192.168.5.10 (zie docs/operations.md)."
                ) from None
    return networks


EVENTS_INTERNAL_NETWORKS = _events_internal_networks(os.environ.get("TOEGANG_EVENTS_INTERNAL_NETWORKS", ""))
# With `celery -A toegang.worker beat` (one instance) the delivery round runs every minute; without beat,
# cron runs `manage.py events afleveren` every minute instead (docs/operations.md).
CELERY_BEAT_SCHEDULE = {
    "events-afleveren": {"task": "toegang.events.deliver", "schedule": 60.0},
    "zgw-registreren": {"task": "toegang.zgw.register", "schedule": 60.0},
}

# ZGW registration (zgw/, docs/zgw.md): trajectories, procedures and decisions registered as zaken and besluiten
# in the municipality's Zaken and Besluiten API (configured per municipality, off by default). A failed attempt
# is retried after base x 2^(n-1) seconds up to the cap (plus jitter) and given up after ZGW_MAX_ATTEMPTS.
# zgw_consumers keeps the certificates of a service in private media (django-privates), never served.
# ZGW_ALLOW_HTTP: the registry's addresses may be http:// (a closed network, a local test registry); off by
# default, as the token and the data would cross the network unencrypted.
ZGW_ALLOW_HTTP = env_bool("TOEGANG_ZGW_ALLOW_HTTP", DEBUG or env_bool("TOEGANG_DEMO"))
ZGW_MAX_ATTEMPTS = int(os.environ.get("TOEGANG_ZGW_MAX_ATTEMPTS", "10"))
ZGW_RETRY_BASE_SECONDS = float(os.environ.get("TOEGANG_ZGW_RETRY_BASE_SECONDS", "60"))
ZGW_RETRY_CAP_SECONDS = float(os.environ.get("TOEGANG_ZGW_RETRY_CAP_SECONDS", str(6 * 3600)))
ZGW_RETRY_JITTER = 0.25
ZGW_BATCH_SIZE = 50
ZGW_LEASE_SECONDS = 300
PRIVATE_MEDIA_ROOT = os.environ.get("TOEGANG_PRIVATE_MEDIA_ROOT", str(PROJECT_DIR / "var" / "private-media"))
PRIVATE_MEDIA_URL = "/private-media/"

# Haal Centraal BRP API Personen v2 (people/brp/, docs/brp.md): base URL without "/personen", API key in the
# X-API-KEY header, optional mTLS (PKIoverheid) certificate and key, timeout and cache lifetime. TOEGANG_BRP_FAKE
# mounts a local fake with synthetic persons at /fake/haalcentraal/api/brp/personen (demo and tests only; with
# an empty TOEGANG_BRP_URL the application then asks its own fake).
BRP_FAKE = env_bool("TOEGANG_BRP_FAKE", env_bool("TOEGANG_DEMO"))
BRP_FAKE_DEMO_PERSONS = env_bool("TOEGANG_BRP_FAKE_DEMO_PERSONS", env_bool("TOEGANG_DEMO"))
BRP_URL = os.environ.get("TOEGANG_BRP_URL", "").rstrip("/")
BRP_API_KEY = os.environ.get("TOEGANG_BRP_API_KEY", "")
BRP_CLIENT_CERT = os.environ.get("TOEGANG_BRP_CLIENT_CERT", "")
BRP_CLIENT_KEY = os.environ.get("TOEGANG_BRP_CLIENT_KEY", "")
BRP_CA_BUNDLE = os.environ.get("TOEGANG_BRP_CA_BUNDLE", "")
BRP_TIMEOUT_SECONDS = float(os.environ.get("TOEGANG_BRP_TIMEOUT", "10"))
BRP_CACHE_SECONDS = int(os.environ.get("TOEGANG_BRP_CACHE_SECONDS", "900"))

IDLE_TIMEOUT_MINUTES = int(os.environ.get("TOEGANG_IDLE_MINUTES", "30"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("TOEGANG_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_SECURE = env_bool("TOEGANG_SECURE_COOKIES", not DEBUG and not env_bool("TOEGANG_DEMO"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A stale form (open too long, or sent after logging out and in again) gets a Dutch page in the layout of
# the portal or of Toegang, with the way back to the form, instead of Django's bare CSRF page.
CSRF_FAILURE_VIEW = "toegang.common.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): only our own scripts and styles; the Utrecht CSS uses data: SVGs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto and send HSTS (docs/operations.md).
if env_bool("TOEGANG_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("TOEGANG_HSTS_SECONDS", "31536000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TOEGANG_LOG_LEVEL", "WARNING")},
    # 403 and 404 are answers, not faults: keep their tracebacks out of the log; errors (500) stay in.
    "loggers": {"django.request": {"level": "ERROR"}},
}

from .api import *  # noqa: E402,F403  (REST API, OpenAPI and OAuth2 settings: conf/api.py)
from .api import API_RATE_LIMIT_URL, ratelimit_cache  # noqa: E402

# The default cache stays in each process: it holds BRP answers (people/brp/client.py), which so never
# leave the process. The API's rate-limit counters go where TOEGANG_RATE_LIMIT_URL says (docs/api.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": ratelimit_cache(API_RATE_LIMIT_URL),
}
