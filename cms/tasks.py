"""django-q2 entry points of the site: fetch by key, send."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile


def login_lock_notice_send(username: str) -> None:
    """Tell the editor that their username is locked from every address, and what to do about it."""
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}, is_active=True).first()
    if user is None or not user.email:
        return  # a name nobody has: nobody to tell
    with translation.override(UserProfile.get_for_user(user).get_preferred_language()):
        context = {
            "user": user,
            "failures": settings.LOGIN_LIMIT_PER_USERNAME,
            "minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        }
        send_mail(
            gettext("Inloggen op uw account is tijdelijk geblokkeerd"),
            render_to_string("cms/emails/login_lock_notice.txt", context),
            None,
            [user.email],
        )
