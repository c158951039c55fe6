"""System checks: a provider backend without webhook authentication would let anyone suppress addresses."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def webhook_secret_check(app_configs, **kwargs) -> list:
    uses_provider = str(getattr(settings, "EMAIL_BACKEND", "")).startswith("anymail.")
    if uses_provider and not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        return [
            Warning(
                "An anymail email backend is configured without ANYMAIL['WEBHOOK_SECRET'].",
                hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' and give the provider the webhook URL with "
                "those credentials; otherwise anyone can post bounces and complaints.",
                id="newsletter.W001",
            )
        ]
    return []
