"""Settings for the real `qcluster` processes of the crash test: the test settings, a real broker (no sync),
anymail's real Postmark backend pointed at the test's loopback stand-in, the default claim lease and a short time
budget. The broker's redelivery of lost tasks is set far beyond the test (`retry`), so that only the newsletter's
own watchdog can bring a killed mailing back."""

import os

from cms.settings.test import *  # noqa: F403

Q_CLUSTER = {
    **Q_CLUSTER,  # noqa: F405
    "sync": False,
    "workers": 2,
    "timeout": 30,
    "retry": 600,
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
    "TASK_TIME_BUDGET_SECONDS": 4,
    "ONE_HAND_OVER_AT_A_TIME": os.environ.get("KVM_ONE_HAND_OVER") == "1",
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}  # noqa: F405
