"""Extension points through which other apps (the outreach) add to the newsletter's admin without it importing
them. Each is a Wagtail hook name; register a function with `@hooks.register(NAME)` in the app's `wagtail_hooks.py`.

- ``kvm_newsletter_menu_items``: ``fn() -> iterable of MenuItem``. Items added to the "Nieuwsbrief" menu, next to
  its mailings and lists (for example the candidates' overview, or a `ModelAdmin`'s ``get_menu_item(order=…)``).
  Called once, when Wagtail first builds its admin menu.
"""

from wagtail.admin.menu import MenuItem

NEWSLETTER_MENU_ITEMS = "kvm_newsletter_menu_items"

# Who may see the mailings' menu items: the pages behind them ask for the same permission.
VIEW_MAILING = "newsletter.view_mailing"


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with one permission."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)
