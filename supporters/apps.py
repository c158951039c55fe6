from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    """Endorsements, sign-ups, reactions and the partner network around a living document."""

    name = "supporters"
    label = "supporters"
    verbose_name = _("Supporters")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete
        from wagtail.models import Page

        from pages.signals import event_changed, version_published

        from .models import Endorsement, EventRegistration, Reaction, SignUp
        from .personal_data import register_source
        from .receivers import (
            event_changed_received,
            page_deleted,
            public_data_changed,
            version_published_received,
        )
        from .services.privacy import SUPPORTERS_SOURCE

        register_source(SUPPORTERS_SOURCE)
        version_published.connect(version_published_received, dispatch_uid="supporters.version_published")
        event_changed.connect(event_changed_received, dispatch_uid="supporters.event_changed")
        pre_delete.connect(page_deleted, sender=Page, dispatch_uid="supporters.page_deleted")
        for model in (Endorsement, SignUp, Reaction, EventRegistration):
            for signal in (post_save, post_delete):
                signal.connect(
                    public_data_changed, sender=model, dispatch_uid=f"supporters.cache.{model.__name__}"
                )
