from django.contrib import admin
from django.db.models import Count

from .models import Address, Customer, NewsletterSubscription, Wishlist, WishlistItem


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "phone", "loyalty_points", "marketing_opt_in", "order_count", "created"]
    list_filter = ["marketing_opt_in", "created"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "phone"]
    raw_id_fields = ["user"]
    readonly_fields = ["created"]
    inlines = [AddressInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_orders=Count("orders"))

    @admin.display(ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="orders", ordering="_orders")
    def order_count(self, obj):
        return obj._orders


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["full_name", "customer", "kind", "city", "country", "is_default"]
    list_filter = ["kind", "country", "is_default"]
    search_fields = ["full_name", "line1", "city", "postal_code", "customer__user__username"]
    autocomplete_fields = ["customer"]


class WishlistItemInline(admin.TabularInline):
    model = WishlistItem
    extra = 0
    autocomplete_fields = ["product"]


@admin.register(Wishlist)
class WishlistAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "is_public", "created"]
    list_filter = ["is_public"]
    search_fields = ["name", "customer__user__username"]
    autocomplete_fields = ["customer"]
    inlines = [WishlistItemInline]


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    list_display = ["product", "wishlist", "added"]
    autocomplete_fields = ["product", "wishlist"]


@admin.register(NewsletterSubscription)
class NewsletterSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "customer", "confirmed", "subscribed_at", "unsubscribed_at"]
    list_filter = ["confirmed"]
    search_fields = ["email"]
    autocomplete_fields = ["customer"]
    date_hierarchy = "subscribed_at"
