"""System checks: a mounted provider webhook without authentication would let anyone suppress addresses."""

from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def webhook_secret_check(app_configs, **kwargs) -> list:
    from .webhooks import mounted_webhooks, webhook_secret

    mounted = mounted_webhooks()
    if mounted and not webhook_secret():
        urls = ", ".join(f"/nieuwsbrief/provider/{esp}/{kind}/" for kind, esp in mounted.items())
        return [
            Error(
                f"Provider webhooks are mounted ({urls}) without ANYMAIL['WEBHOOK_SECRET'].",
                hint="Set ANYMAIL_WEBHOOK_SECRET to 'user:password' and give the provider the webhook URL with "
                "those credentials; otherwise anyone can post bounces and complaints. Without a secret the "
                "webhooks answer 403.",
                id="newsletter.E001",
            )
        ]
    return []
