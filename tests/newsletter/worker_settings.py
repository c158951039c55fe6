"""Settings for the real `qcluster` processes of the crash test: the test settings, a real broker (no sync),
anymail's real Postmark backend pointed at the test's loopback stand-in, and short leases and time budgets."""

import os

from cms.settings.test import *  # noqa: F403

Q_CLUSTER = {
    **Q_CLUSTER,  # noqa: F405
    "sync": False,
    "workers": 2,
    "timeout": 8,
    "retry": 10,
    "poll": 0.1,
    "bulk": 1,
    "max_attempts": 10,
}
EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": "crash-test",
    "POSTMARK_API_URL": os.environ["KVM_STANDIN_URL"],
    "POSTMARK_USE_BULK_API": True,
    "REQUESTS_TIMEOUT": 10,
}
KVM_NEWSLETTER = {
    "BATCH_SIZE": int(os.environ.get("KVM_BATCH_SIZE", "100")),
    "SENDERS": 2,
    "CLAIM_LEASE_SECONDS": 3,
    "TASK_TIME_BUDGET_SECONDS": 4,
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}  # noqa: F405
