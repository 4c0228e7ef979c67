"""Template context shared by every page: the site's footer, from settings (README, Configuration)."""

from django.conf import settings


def site_footer(request):
    """主办单位, contact and 网站标识码 for the footer of base.html; each left out when not configured."""
    return {
        "site_footer": {
            "organizer": settings.SITE_ORGANIZER,
            "contact": settings.SITE_CONTACT,
            "identifier": settings.SITE_IDENTIFIER,
        }
    }
