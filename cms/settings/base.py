"""Settings shared by every environment. Environment variables are read here and in the other settings modules only."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-key-change-me-0f6c1e8b2a4d4f7e9c3b5a1d8e2f4c6a")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in every link that leaves it (emails, feeds).
# Where the site is reached, for links in emails and feeds. Unset, it follows PORT (as `make run` sets it).
BASE_URL = (os.environ.get("BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '8000'}").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL

INSTALLED_APPS = [
    "cms",
    "pages",
    "supporters",
    "newsletter",
    "newsletter.outreach",
    "wagtail_modeladmin",
    "wagtail.api.v3",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "anymail",
    "corsheaders",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Inside CSRF: a cached page gets the reader's own CSRF token back, and the headers above are added fresh.
    "pages.cache.PublicPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-step login (django-otp): an editor who turned it on reaches the admin only after a code this session.
    "django_otp.middleware.OTPMiddleware",
    "cms.two_factor.middleware.RequireVerifiedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # The Dutch 404 page and a removed activity's 410 page also under DEBUG (`make run`).
    "cms.middleware.PublicNotFoundMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if "DATABASE_URL" not in os.environ:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while the django-q2 worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a login while the username and address are locked out, before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login attempts (`cms.login_limits`): three counts, each with its own limit within AXES_COOLOFF_MINUTES. One
# username from one address (AXES_FAILURE_LIMIT); one username from any address (LOGIN_LIMIT_PER_USERNAME, and the
# editor gets a notice mail); one address for any username (LOGIN_LIMIT_PER_ADDRESS). Lift a lock early with
# `manage.py axes_reset_username <name>` or `axes_reset_ip <address>`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_LIMIT_PER_USERNAME = int(os.environ.get("LOGIN_LIMIT_PER_USERNAME", "20"))
LOGIN_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=float(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "cms.login_limits.LoginLimitsHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
OTP_TOTP_ISSUER = "Kracht van Mokum"
AXES_VERBOSE = False

# The reverse proxies in front of gunicorn, outermost first, comma-separated (addresses, networks or prefixes);
# only then is their X-Forwarded-For believed (`cms.client_ip`). Empty: the peer's address, the header ignored.
TRUSTED_PROXIES = [
    proxy.strip() for proxy in os.environ.get("TRUSTED_PROXIES", "").split(",") if proxy.strip()
]
# Rate limits and login limits count the same visitor address.
RATELIMIT_IP_META_KEY = "cms.client_ip.client_ip"
AXES_CLIENT_IP_CALLABLE = "cms.client_ip.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("nl", "Nederlands")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS: list = []
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Cache: Redis when REDIS_URL is set (shared by every process), otherwise a per-process memory cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kvm"}}

# Background work: django-q2 with the ORM broker (no extra server), or Redis when REDIS_URL is set.
# django-q2 requires retry > timeout, otherwise a task is handed out again while it still runs.
Q_CLUSTER = {
    "name": "kvm",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": int(os.environ.get("Q_TIMEOUT", "600")),
    "retry": int(os.environ.get("Q_RETRY", "720")),
    "max_attempts": 3,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "label": "Achtergrondtaken",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Email: the provider is configuration, never code. Every ANYMAIL_* variable goes into ANYMAIL without its prefix.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "newsletter.transport.OutboxEmailBackend")
EMAIL_OUTBOX_DIR = Path(os.environ.get("EMAIL_OUTBOX_DIR", VAR_DIR / "outbox"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kracht van Mokum <info@krachtvanmokum.nl>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_")
}
# No open or click tracking (README, "Delivery report"): each provider whose anymail backend has a per-message
# switch is told "off", so a default in the provider's dashboard cannot add a tracking pixel or rewrite links.
# Amazon SES has no such switch (it tracks only through a configuration set's open/click events, which we never
# name); a global SEND_DEFAULTS would make its backend refuse every message. Top-level settings, which anymail
# reads after ANYMAIL: the environment fills ANYMAIL.
_NO_TRACKING = {"track_opens": False, "track_clicks": False}
ANYMAIL_POSTMARK_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_MAILGUN_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_SENDGRID_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_SPARKPOST_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_MAILJET_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_MAILERSEND_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_MANDRILL_SEND_DEFAULTS = _NO_TRACKING
ANYMAIL_UNISENDER_GO_SEND_DEFAULTS = _NO_TRACKING

# Reacting by email: the provider whose inbound webhook is mounted ("postmark", "mailgun", "amazon_ses"; empty:
# none) at /nieuwsbrief/provider/<provider>/inbound/, and the domain of the signed Reply-To addresses
# (reactie+<reference>@REPLY_TO_DOMAIN) that outgoing mail carries (empty: no Reply-To).
INBOUND_EMAIL_PROVIDER = os.environ.get("INBOUND_EMAIL_PROVIDER", "").strip().lower()
KVM_SUPPORTERS = {"REPLY_DOMAIN": os.environ.get("REPLY_TO_DOMAIN", "").strip().lower()}

# Newsletter options (see newsletter/conf.py for all of them and their defaults).
KVM_NEWSLETTER = {
    # Recipients per second handed to the provider for one mailing; empty or 0: no limit.
    "MAX_PER_SECOND": float(os.environ.get("NEWSLETTER_MAX_PER_SECOND") or 0) or None,
    # 1: the senders of a mailing take turns at the provider (PostgreSQL): a worker killed mid-send leaves at most
    # one batch uncertain instead of one per sender, at the cost of the overlap of their provider calls.
    "ONE_HAND_OVER_AT_A_TIME": os.environ.get("NEWSLETTER_ONE_HAND_OVER_AT_A_TIME", "").strip() == "1",
}

# Content-Security-Policy (django-csp). Public pages: no inline script or style, nothing from other sites.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's admin uses inline scripts and styles (and frames its own preview), so it gets a looser policy that
# still allows nothing from other sites. `cms.middleware.SiteCSPMiddleware` applies it under these prefixes.
ADMIN_CONTENT_SECURITY_POLICY = {
    "URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Avatars from a third party would leak who edits and break under the admin's policy.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Full-page cache for anonymous readers (`pages.cache`): seconds a page may be served from the cache, 0 = off.
# Any publish, unpublish, move or delete, and every new version, invalidates all cached pages at once. With more
# than one process the cache must be shared (REDIS_URL), or a process would not hear of another's publish.
KVM_PAGES = {"PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "0"))}

# Headless API (Wagtail's API v3 at /api/v3/): rich text as display HTML, at most 100 items per page, and
# cross-origin access only for the listed origins and only under /api/.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 100
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"

WAGTAIL_SITE_NAME = "Kracht van Mokum"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": os.environ.get("WAGTAIL_LOG_LEVEL", "WARNING")},
    },
}
