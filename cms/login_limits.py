"""Admin login limits: django-axes with a limit of its own for each of the three counts it keeps.

- one username from one address: `AXES_FAILURE_LIMIT` — someone mistyping, or a guesser at one address;
- one username from any address: `LOGIN_LIMIT_PER_USERNAME` — a guesser spreading over many addresses (a botnet);
  the editor gets a notice mail, once per lock, because the lock also stops them;
- one address for any username: `LOGIN_LIMIT_PER_ADDRESS` — one guesser trying many names.

Axes compares a single failure count with `AXES_FAILURE_LIMIT`. `LoginLimitsHandler.get_failures` therefore puts
each count on that scale (`count * AXES_FAILURE_LIMIT // its limit`), which reaches `AXES_FAILURE_LIMIT` exactly
when that count reaches its own limit. A successful login clears only its own username-and-address count: the
other two only age out, so an account the guesser owns cannot wipe the count of the address it guesses from.
"""

import hashlib

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.dispatch import receiver
from django_q.tasks import async_task


def failure_limit(parameter: str | list[str]) -> int:
    """The limit of one entry of `AXES_LOCKOUT_PARAMETERS`."""
    if parameter == "username":
        return settings.LOGIN_LIMIT_PER_USERNAME
    if parameter == "ip_address":
        return settings.LOGIN_LIMIT_PER_ADDRESS
    return settings.AXES_FAILURE_LIMIT


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginLimitsHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per count (see the module docstring)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        scale = settings.AXES_FAILURE_LIMIT
        counts = zip(
            self.get_user_attempts(request, credentials), settings.AXES_LOCKOUT_PARAMETERS, strict=True
        )
        return max(_failures(attempts) * scale // failure_limit(parameter) for attempts, parameter in counts)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        count, _ = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        ).delete()
        return count


def username_failures(username: str, request) -> int:
    """Failed logins for `username` from any address within the cool-off."""
    return _failures(
        AccessAttempt.objects.filter(username=username, attempt_time__gte=get_cool_off_threshold(request))
    )


@receiver(user_locked_out, dispatch_uid="cms.login_limits.notify_editor")
def notify_editor(sender, request, username: str | None, **kwargs) -> None:
    """Mail the editor once when their username is locked from every address (axes signals every refused try)."""
    if not username or username_failures(username, request) < settings.LOGIN_LIMIT_PER_USERNAME:
        return
    key = "kvm:login-notice:" + hashlib.sha256(username.encode()).hexdigest()
    if cache.add(key, True, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds())):
        async_task("cms.tasks.login_lock_notice_send", username)
