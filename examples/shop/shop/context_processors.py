from django.conf import settings

from shop.version import VERSION


def shop(request):
    """What every page's base template shows: the version and the currency."""
    return {"SHOP_VERSION": VERSION, "SHOP_CURRENCY": settings.SHOP_CURRENCY}
