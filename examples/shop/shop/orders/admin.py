from django.contrib import admin
from django.utils import timezone

from .models import Cart, CartItem, Coupon, Order, OrderLine, Payment, Refund, Shipment


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "percent_off", "amount_off", "valid_from", "valid_until", "times_used", "max_uses"]
    search_fields = ["code", "description"]
    list_filter = ["valid_from", "valid_until"]


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    raw_id_fields = ["variant"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["id", "customer", "session_key", "created", "updated"]
    raw_id_fields = ["customer"]
    inlines = [CartItemInline]


@admin.register(CartItem)
class CartItemAdmin(admin.ModelAdmin):
    list_display = ["cart", "variant", "quantity", "added"]
    raw_id_fields = ["cart", "variant"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["variant"]


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    readonly_fields = ["created"]


class ShipmentInline(admin.StackedInline):
    model = Shipment
    extra = 0


@admin.action(description="Mark selected orders as shipped")
def mark_shipped(modeladmin, request, queryset):
    updated = queryset.filter(status=Order.PAID).update(status=Order.SHIPPED)
    modeladmin.message_user(request, f"{updated} order(s) marked as shipped.")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "customer", "status", "total", "currency", "placed_at"]
    list_filter = ["status", "currency", "placed_at"]
    list_select_related = ["customer__user"]
    search_fields = ["number", "customer__user__username", "customer__user__email"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["billing_address", "shipping_address", "coupon"]
    date_hierarchy = "placed_at"
    readonly_fields = ["subtotal", "total"]
    inlines = [OrderLineInline, PaymentInline, ShipmentInline]
    actions = [mark_shipped]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        order = form.instance
        order.recalculate()
        order.save(update_fields=["subtotal", "total"])


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "product_name", "sku", "unit_price", "quantity"]
    search_fields = ["order__number", "product_name", "sku"]
    raw_id_fields = ["order", "variant"]


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    readonly_fields = ["created", "created_by"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order", "method", "status", "amount", "transaction_id", "created"]
    list_filter = ["method", "status"]
    search_fields = ["order__number", "transaction_id"]
    raw_id_fields = ["order"]
    inlines = [RefundInline]


@admin.action(description="Mark selected shipments as delivered now")
def mark_delivered(modeladmin, request, queryset):
    updated = queryset.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())
    modeladmin.message_user(request, f"{updated} shipment(s) delivered.")


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["order", "carrier", "tracking_number", "warehouse", "shipped_at", "delivered_at"]
    list_filter = ["carrier", "warehouse"]
    search_fields = ["order__number", "tracking_number"]
    raw_id_fields = ["order"]
    actions = [mark_delivered]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["payment", "amount", "reason", "created", "created_by"]
    raw_id_fields = ["payment", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
