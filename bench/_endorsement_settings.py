"""Production settings for bench/concurrent_endorsements.py, with two differences the benchmark needs.

Every simulated reader comes from 127.0.0.1, so the per-address rate limit (meant for one person or bot) is lifted;
the per-email limit stays. Tasks run inside the request (django-q2 sync), so each confirmation email is in the outbox
when its POST has been answered.
"""

from cms.settings.production import *  # noqa: F403

KVM_SUPPORTERS = {"RATE_PER_IP": "1000000/h"}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
