"""The test suite: the same stack as development, with fast hashing and mail kept in memory."""

from .base import *

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-3b9f1c7d2e5a4b6c8d0e"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
BASE_URL = "https://kvm.example.org"
WAGTAILADMIN_BASE_URL = BASE_URL
ALLOWED_HOSTS = ["*"]
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# The tests' provider is Postmark (the loopback stand-in): its tracking webhook is mounted, no other.
KVM_NEWSLETTER = {**KVM_NEWSLETTER, "TRACKING_PROVIDER": "postmark"}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
WHITENOISE_USE_FINDERS = True
