"""crampcare settings: one module, set by environment variables (docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

from crampcare import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

PROFILE = config.env_choice("CRAMPCARE_PROFILE", "local", ("local", "production"))
PRODUCTION = PROFILE == "production"

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("DEBUG", False)
ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise config.ConfigError(
        "ALLOWED_HOSTS must name your site's host(s) in the production profile, "
        "e.g. ALLOWED_HOSTS=cramps.example.org."
    )
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS", [])

# Email reaches people only through a mail server (EMAIL_HOST) or a delivering backend; the
# console backend, the default without EMAIL_HOST, only prints.
EMAIL_BACKEND = config.env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if config.env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_DELIVERS = EMAIL_BACKEND not in config.NON_DELIVERING_EMAIL_BACKENDS
# Whether anyone may create an account after the owner's. Sign-up can keep quiet about which
# addresses are registered only when it confirms the address by email before signing anyone in,
# so open sign-up comes with email, and confirming the address by email is then the default.
OPEN_SIGNUP = config.env_bool("CRAMPCARE_OPEN_SIGNUP", EMAIL_DELIVERS)
SITE_URL = config.env_str("CRAMPCARE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Whether SITE_URL was set; when not, links shown on a page are built from the address in use.
SITE_URL_CONFIGURED = bool(config.env_str("CRAMPCARE_SITE_URL"))

INSTALLED_APPS = [
    "crampcare.accounts",
    "crampcare.home",
    "crampcare.knowledge",
    "crampcare.assessment",
    "crampcare.programs",
    "crampcare.diary",
    "crampcare.insights",
    "crampcare.care",
    "crampcare.portability",
    "crampcare.idempotency",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for the security headers, so pages, scripts and styles leave compressed when
    # the browser accepts gzip (Django masks the CSRF token against BREACH; docs/performance.md).
    "crampcare.page_middleware.TextGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crampcare.request_guards.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the person is known: the language saved on their account wins over the browser's.
    "crampcare.accounts.middleware.LanguageMiddleware",
    # Dates and times of a signed-in person's pages in their own zone (the API: its auth).
    "crampcare.accounts.middleware.TimeZoneMiddleware",
    "crampcare.page_middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crampcare.page_middleware.PageCSPMiddleware",
    "crampcare.accounts.middleware.PrivacyHeadersMiddleware",
    # Inside the privacy headers and the CSP, so a replayed answer gets them like the first.
    "crampcare.idempotency.middleware.IdempotencyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After the session and the user are known: clinicians and admins signed out after a quiet
    # spell (CRAMPCARE_CARE_IDLE_MINUTES), and sent to set up two-step sign-in before any care
    # page (care/security.py; the care API checks the same in its authentication).
    "crampcare.care.middleware.CareIdleTimeoutMiddleware",
    "crampcare.care.middleware.CareMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "crampcare.accounts.middleware.OnboardingMiddleware",
    # Last, so it sees the views' exceptions first: "database is locked" becomes a 503.
    "crampcare.db_busy.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "crampcare.urls"
FORM_RENDERER = "crampcare.home.rendering.FormRenderer"
WSGI_APPLICATION = "crampcare.wsgi.application"

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
                "crampcare.home.context.site",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

DATABASES = {"default": config.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
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

# django-allauth: email + password, no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = config.env_choice(
    "CRAMPCARE_EMAIL_VERIFICATION",
    "mandatory" if EMAIL_DELIVERS else "none",
    ("none", "optional", "mandatory"),
)
ACCOUNT_ADAPTER = "crampcare.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "crampcare.accounts.forms.LoginForm",
    "signup": "crampcare.accounts.forms.SignupForm",
}
# Confirming the address (from the browser that signed up) signs the person in and carries on
# where they were going, e.g. logging the cramp the relief guide timed.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Sign-up answers the same whether or not the address already has an account (the owner of an
# existing address gets an email instead, when email is set up).
ACCOUNT_PREVENT_ENUMERATION = True
# Throttling (allauth's rate limits, counted in the shared cache below so every worker agrees).
# Failed logins count per address and per account+address (AccountAdapter), so a stranger can
# slow down only their own guesses; every window expires, so the right password always gets in.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user,10/m/ip",
    "reauthenticate": "10/m/user",
    # The password check before deleting an account (accounts.views.delete_account).
    "delete_account": "5/5m/user,10/m/ip",
    # The care team (care/): looking up or accepting an invitation code, and sending invitations.
    "care_code": "10/m/user",
    "care_invite": "30/h/user",
    # Sending a message to one's care team or one's people (new conversations and replies).
    "care_message": "60/h/user",
    # Organisation admins uploading a roster CSV (care/rosters.py).
    "care_roster": "10/h/user",
    # The public coverage check (/coverage/, POST /api/v1/coverage/check): per address, and per
    # email or member id typed, so guessing a date of birth is slow from any number of addresses.
    "coverage_check": "10/m/ip,5/h/key",
}
# The client address the limits count by. Behind the TLS proxy the production profile expects,
# it is the proxy's X-Forwarded-For entry (one trusted proxy), never a value a client can forge.
ALLAUTH_TRUSTED_PROXY_COUNT = config.env_int(
    "CRAMPCARE_TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0, minimum=0
)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = config.env_str("CRAMPCARE_CLIENT_IP_HEADER") or None
# Two-step sign-in (allauth.mfa): an authenticator app (TOTP), security keys (WebAuthn, as a
# second step after the password, never instead of it) and recovery codes. Anyone may turn it on;
# clinicians and organisation admins must before any care page or care API route (docs/care.md).
# A browser offers security keys only over HTTPS or on http://localhost.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "crampcare"
# allauth refuses the app to an account with an unconfirmed address (a stranger who signed up
# with it could lock its owner out). Only where addresses are confirmed at sign-up does that
# hold; without email, addresses stay unconfirmed and clinicians could never set it up.
MFA_ALLOW_UNVERIFIED_EMAIL = ACCOUNT_EMAIL_VERIFICATION != "mandatory"
MFA_FORMS = {
    "authenticate": "crampcare.accounts.forms.MFAAuthenticateForm",
    "authenticate_webauthn": "crampcare.accounts.forms.SecurityKeyAuthenticateForm",
    "add_webauthn": "crampcare.accounts.forms.AddSecurityKeyForm",
    "edit_webauthn": "crampcare.accounts.forms.EditSecurityKeyForm",
    "reauthenticate_webauthn": "crampcare.accounts.forms.SecurityKeyReauthenticateForm",
    "reauthenticate": "crampcare.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "crampcare.accounts.forms.ActivateTOTPForm",
}
# Clinicians and organisation admins are signed out after this many minutes without a request
# (care/middleware.py); everyone else keeps Django's session as it is.
CRAMPCARE_CARE_IDLE_MINUTES = config.env_int("CRAMPCARE_CARE_IDLE_MINUTES", 15, minimum=1)
LOGIN_REDIRECT_URL = "home:index"
LOGIN_URL = "account_login"
ACCOUNT_LOGOUT_REDIRECT_URL = "home:index"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    # Served over HTTPS behind a reverse proxy (see docs/deployment.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = config.env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = config.env_bool("SECURE_HSTS_PRELOAD", True)

# Shared by every worker process: Redis when REDIS_URL is set, else a table in the database
# (made by the accounts migrations and by `crampcare serve`).
CACHES = {
    "default": config.cache(),
    # Rendered content fragments ({% cache %} uses this alias when it exists): the same in every
    # process and cheap to rebuild, so each keeps its own copy in memory, no query or round trip.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "crampcare-fragments",
    },
}

# Background tasks (crampcare/background.py, docs/deployment.md): CRAMPCARE_TASKS, by default a
# table in the database (run by the worker `crampcare serve` starts) or, with REDIS_URL, RQ.
CRAMPCARE_TASKS = config.task_backend()
TASKS = config.tasks(CRAMPCARE_TASKS)
RQ_QUEUES = config.rq_queues()
if CRAMPCARE_TASKS == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # rqworker, and the job class
# How often the worker that schedules (`crampcare worker`, started by `crampcare serve`) queues
# the reminder run: the reminder window is at least 10 minutes wide.
CRAMPCARE_REMINDER_EVERY_SECONDS = config.env_int(
    "CRAMPCARE_REMINDER_EVERY_SECONDS", 300, minimum=1
)

# Content-Security-Policy (django-csp): no inline script or style anywhere; JSON data blocks
# (<script type="application/json">) are not run, so they need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
# Features no page uses stay off; the relief guide keeps the screen awake (same origin only).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), screen-wake-lock=(self)"
)

# Imports (docs/configuration.md): what one upload may make the server read and write.
_MB = 1024 * 1024
CRAMPCARE_IMPORT_MAX_UPLOAD_BYTES = config.env_int(
    "CRAMPCARE_IMPORT_MAX_UPLOAD_BYTES", 20 * _MB, minimum=1
)
CRAMPCARE_IMPORT_MAX_FILE_BYTES = config.env_int(
    "CRAMPCARE_IMPORT_MAX_FILE_BYTES", 25 * _MB, minimum=1
)
CRAMPCARE_IMPORT_MAX_TOTAL_BYTES = config.env_int(
    "CRAMPCARE_IMPORT_MAX_TOTAL_BYTES", 50 * _MB, minimum=1
)
CRAMPCARE_IMPORT_MAX_RATIO = config.env_int("CRAMPCARE_IMPORT_MAX_RATIO", 200, minimum=1)
CRAMPCARE_IMPORT_MAX_MEMBERS = config.env_int("CRAMPCARE_IMPORT_MAX_MEMBERS", 100, minimum=1)
CRAMPCARE_IMPORT_MAX_ROWS = config.env_int("CRAMPCARE_IMPORT_MAX_ROWS", 200_000, minimum=1)
CRAMPCARE_IMPORT_PER_HOUR = config.env_int("CRAMPCARE_IMPORT_PER_HOUR", 20, minimum=1)
# Apple Health (docs/apple-health.md): the export.zip's size, what its export.xml may unzip to
# (bytes really inflated, not the zip's claim) and how far past its compressed size.
CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES = config.env_int(
    "CRAMPCARE_APPLE_HEALTH_MAX_UPLOAD_BYTES", 256 * _MB, minimum=1
)
CRAMPCARE_APPLE_HEALTH_MAX_XML_BYTES = config.env_int(
    "CRAMPCARE_APPLE_HEALTH_MAX_XML_BYTES", 2048 * _MB, minimum=1
)
CRAMPCARE_APPLE_HEALTH_MAX_RATIO = config.env_int(
    "CRAMPCARE_APPLE_HEALTH_MAX_RATIO", 100, minimum=1
)
# Rosters (care/rosters.py): the largest CSV an organisation admin may upload, and its rows.
CRAMPCARE_ROSTER_MAX_BYTES = config.env_int("CRAMPCARE_ROSTER_MAX_BYTES", 5 * _MB, minimum=1)
CRAMPCARE_ROSTER_MAX_ROWS = config.env_int("CRAMPCARE_ROSTER_MAX_ROWS", 20_000, minimum=1)

# Interface languages (docs/translation.md). Each is named in its own language, so a person who
# cannot read the current one still finds theirs. A visitor's choice is kept in a cookie; a
# signed-in person's on their account (accounts.middleware.LanguageMiddleware).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# The project's own catalogue (templates/, the top-level modules and the apps home, accounts,
# core and idempotency); every other app keeps its own in <app>/locale/.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "crampcare_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
# The zone new accounts start in until the person picks theirs.
DEFAULT_USER_TIME_ZONE = config.env_str("CRAMPCARE_DEFAULT_TIME_ZONE", "UTC")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # only filled by an optional `collectstatic`
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve straight from the app folders: no collectstatic step for a laptop install.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

# The file backend's folder (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend).
EMAIL_FILE_PATH = config.env_str("EMAIL_FILE_PATH") or None
EMAIL_HOST = config.env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = config.env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = config.env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = config.env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = config.env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = config.env_str("DEFAULT_FROM_EMAIL", "crampcare <crampcare@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Web Push reminders (accounts/push.py, docs/app.md#reminders-on-the-phone). The VAPID subject is
# how a push service can reach whoever runs this server: a mailto: or https: address.
CRAMPCARE_VAPID_SUBJECT = config.vapid_subject(
    config.env_str("CRAMPCARE_VAPID_SUBJECT"), DEFAULT_FROM_EMAIL, SITE_URL
)
# The push services a browser's subscription may point at (a host, or any host under it): the
# server posts to the endpoint, so it must not be any address a visitor names.
CRAMPCARE_PUSH_SERVICES = config.env_list(
    "CRAMPCARE_PUSH_SERVICES",
    [
        "fcm.googleapis.com",
        "android.googleapis.com",
        "push.services.mozilla.com",
        "push.apple.com",
        "notify.windows.com",
    ],
)
# Plain-http endpoints on this machine (localhost, 127.0.0.1, ::1): a local push server in
# development and the tests. Never on a server others use.
CRAMPCARE_PUSH_ALLOW_LOCAL = config.env_bool("CRAMPCARE_PUSH_ALLOW_LOCAL", DEBUG)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "crampcare.pagination.BoundedLimitOffsetPagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("LOG_LEVEL", "WARNING")},
}
