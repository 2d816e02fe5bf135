from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import Customer, WishlistItem


def _customer(user):
    customer, _ = Customer.objects.get_or_create(user=user)
    return customer


@login_required
def account(request):
    customer = _customer(request.user)
    context = {
        "customer": customer,
        "addresses": customer.addresses.all(),
        "orders": customer.orders.all()[:5],
    }
    return render(request, "customers/account.html", context)


@login_required
def wishlist(request):
    items = (
        WishlistItem.objects.filter(wishlist__customer=_customer(request.user))
        .select_related("product", "wishlist")
    )
    return render(request, "customers/wishlist.html", {"items": items})
