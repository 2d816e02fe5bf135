from django.contrib import admin
from django.db.models import Avg, Count

from .models import (
    Attribute,
    AttributeValue,
    Brand,
    Category,
    Product,
    ProductImage,
    ProductVariant,
    Review,
    ReviewVote,
    Tag,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "product_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_products=Count("products"))

    @admin.display(description="products", ordering="_products")
    def product_count(self, obj):
        return obj._products


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = ["sku", "name", "price_delta", "barcode", "is_default"]
    show_change_link = True


@admin.action(description="Mark selected products as featured")
def make_featured(modeladmin, request, queryset):
    updated = queryset.update(is_featured=True)
    modeladmin.message_user(request, f"{updated} product(s) featured.")


@admin.action(description="Deactivate selected products")
def deactivate(modeladmin, request, queryset):
    updated = queryset.update(is_active=False)
    modeladmin.message_user(request, f"{updated} product(s) deactivated.")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "sku", "category", "brand", "price", "on_sale", "is_active", "is_featured", "rating"]
    list_filter = ["is_active", "is_featured", "category", "brand", "tags"]
    list_select_related = ["category", "brand"]
    search_fields = ["name", "sku", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category", "brand"]
    filter_horizontal = ["tags"]
    date_hierarchy = "created"
    readonly_fields = ["created", "updated"]
    inlines = [ProductVariantInline, ProductImageInline]
    actions = [make_featured, deactivate]
    fieldsets = [
        (None, {"fields": ["name", "slug", "sku", "category", "brand", "summary", "description"]}),
        ("Pricing", {"fields": ["price", "compare_at_price", "tax_rate"]}),
        ("Shipping", {"fields": ["weight_grams"], "classes": ["collapse"]}),
        ("Publishing", {"fields": ["tags", "is_active", "is_featured", "created", "updated"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_rating=Avg("reviews__rating"))

    @admin.display(boolean=True)
    def on_sale(self, obj):
        return obj.on_sale

    @admin.display(ordering="_rating")
    def rating(self, obj):
        return f"{obj._rating:.1f}" if obj._rating is not None else "–"


class AttributeValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1


@admin.register(Attribute)
class AttributeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AttributeValueInline]


@admin.register(AttributeValue)
class AttributeValueAdmin(admin.ModelAdmin):
    list_display = ["attribute", "value", "position"]
    list_filter = ["attribute"]
    search_fields = ["value", "attribute__name"]


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "name", "price_delta", "is_default"]
    list_select_related = ["product"]
    search_fields = ["sku", "name", "product__name", "barcode"]
    autocomplete_fields = ["product"]
    filter_horizontal = ["values"]


class ReviewVoteInline(admin.TabularInline):
    model = ReviewVote
    extra = 0
    raw_id_fields = ["user"]


@admin.action(description="Approve selected reviews")
def approve(modeladmin, request, queryset):
    modeladmin.message_user(request, f"{queryset.update(is_approved=True)} review(s) approved.")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "author", "rating", "is_approved", "created"]
    list_filter = ["is_approved", "rating", "created"]
    list_select_related = ["product", "author"]
    search_fields = ["title", "body", "product__name", "author__username"]
    autocomplete_fields = ["product"]
    raw_id_fields = ["author"]
    inlines = [ReviewVoteInline]
    actions = [approve]


@admin.register(ReviewVote)
class ReviewVoteAdmin(admin.ModelAdmin):
    list_display = ["review", "user", "helpful", "created"]
    list_filter = ["helpful"]
    raw_id_fields = ["review", "user"]


@admin.register(ProductImage)
class ProductImageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "product", "position"]
    list_select_related = ["product"]
    search_fields = ["alt_text", "product__name"]
    autocomplete_fields = ["product"]
