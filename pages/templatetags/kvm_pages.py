"""Template tags that hand the document's pages to the extension hooks (see `pages.extensions`)."""

from django import template

from pages import extensions

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context, page):
    return extensions.page_sections(context.get("request"), page, context.flatten())


@register.simple_tag(takes_context=True)
def item_extras(context, item):
    return extensions.item_extras(item, context.flatten())
