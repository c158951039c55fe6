from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .two_factor import views as two_factor_views


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("tweestaps/", two_factor_views.settings_view, name="kvm_two_factor"),
        path("tweestaps/code/", two_factor_views.verify, name="kvm_two_factor_verify"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("kvm_two_factor"),
        "label": _("Tweestapsverificatie"),
        "help_text": _("Inloggen met een code uit een app op uw telefoon, naast uw wachtwoord."),
    }
