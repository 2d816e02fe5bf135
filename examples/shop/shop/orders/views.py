from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Order


@login_required
def order_list(request):
    orders = Order.objects.filter(customer__user=request.user).prefetch_related("lines")
    return render(request, "orders/order_list.html", {"orders": orders})


@login_required
def order_detail(request, number):
    order = get_object_or_404(
        Order.objects.select_related("shipping_address", "billing_address", "coupon").prefetch_related(
            "lines", "payments", "shipments"
        ),
        number=number,
        customer__user=request.user,
    )
    return render(request, "orders/order_detail.html", {"order": order})
