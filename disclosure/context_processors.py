"""Template context shared by every page: the site's footer, from settings (README, Configuration), and
whether the signed-in user is a supervising office (the workspace menu's 辖区汇总)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .permissions import roles_of


def site_footer(request):
    """主办单位, contact and 网站标识码 for the footer of base.html; each left out when not configured."""
    return {
        "site_footer": {
            "organizer": settings.SITE_ORGANIZER,
            "contact": settings.SITE_CONTACT,
            "identifier": settings.SITE_IDENTIFIER,
        }
    }


def workspace_menu(request):
    """``oversees`` for the workspace menu on every page, read only when a page's menu asks (the public pages
    never do); a view may still set it itself."""
    return {"oversees": SimpleLazyObject(lambda: request.user.is_authenticated and roles_of(request).oversees)}
