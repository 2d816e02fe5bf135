from django.contrib import admin
from django.db.models import F, Sum

from .models import PurchaseOrder, PurchaseOrderLine, StockItem, StockMovement, Supplier, Warehouse


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "contact_email", "country", "lead_time_days", "is_active"]
    list_filter = ["is_active", "country"]
    search_fields = ["name", "contact_name", "contact_email"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "country", "is_active", "units"]
    list_filter = ["is_active", "country"]
    search_fields = ["code", "name", "city"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_units=Sum("stock__quantity"))

    @admin.display(description="units in stock", ordering="_units")
    def units(self, obj):
        return obj._units or 0


class LowStockFilter(admin.SimpleListFilter):
    title = "stock level"
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("low", "At or below reorder level"), ("out", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(quantity__lte=F("reserved") + F("reorder_level"))
        if self.value() == "out":
            return queryset.filter(quantity__lte=F("reserved"))
        return queryset


class StockMovementInline(admin.TabularInline):
    model = StockMovement
    extra = 0
    readonly_fields = ["created", "created_by"]


@admin.register(StockItem)
class StockItemAdmin(admin.ModelAdmin):
    list_display = ["variant", "warehouse", "quantity", "reserved", "available", "reorder_level", "needs_reorder"]
    list_filter = [LowStockFilter, "warehouse"]
    list_select_related = ["variant__product", "warehouse"]
    search_fields = ["variant__sku", "variant__product__name", "bin_location"]
    autocomplete_fields = ["variant"]
    inlines = [StockMovementInline]

    @admin.display(boolean=True, description="reorder")
    def needs_reorder(self, obj):
        return obj.needs_reorder


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    list_display = ["created", "kind", "quantity", "stock_item", "reference", "created_by"]
    list_filter = ["kind", "created"]
    search_fields = ["reference", "stock_item__variant__sku"]
    raw_id_fields = ["stock_item", "created_by"]
    date_hierarchy = "created"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 1
    autocomplete_fields = ["variant"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ["reference", "supplier", "warehouse", "status", "ordered_at", "expected_at", "received_at"]
    list_filter = ["status", "supplier", "warehouse"]
    search_fields = ["reference", "supplier__name"]
    inlines = [PurchaseOrderLineInline]


@admin.register(PurchaseOrderLine)
class PurchaseOrderLineAdmin(admin.ModelAdmin):
    list_display = ["purchase_order", "variant", "quantity", "unit_cost", "received_quantity"]
    raw_id_fields = ["purchase_order", "variant"]
