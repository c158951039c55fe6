"""Admin template tags: what `pages.wagtail_hooks` decided, put where Wagtail's templates have no hook."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def publish_version_buttons(context, page) -> list:
    from wagtail.admin.widgets import HeaderButton

    from ..wagtail_hooks import publish_version_buttons as buttons

    request = context.get("request")
    if page is None or request is None:
        return []
    return buttons(page, request.user, button=HeaderButton)
