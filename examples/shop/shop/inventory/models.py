"""Inventory: where the stock is, how it moves, and where it comes from."""
from django.conf import settings
from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=150, unique=True)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    country = models.CharField(max_length=2)
    lead_time_days = models.PositiveSmallIntegerField(default=14)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Warehouse(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ({self.city})"


class StockItem(models.Model):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE, related_name="stock")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.CASCADE, related_name="stock")
    quantity = models.IntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    reorder_level = models.PositiveIntegerField(default=5)
    bin_location = models.CharField(max_length=20, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["warehouse", "variant"]
        constraints = [models.UniqueConstraint(fields=["warehouse", "variant"], name="inventory_stockitem_unique")]

    def __str__(self):
        return f"{self.variant} @ {self.warehouse.code}: {self.quantity}"

    @property
    def available(self):
        return self.quantity - self.reserved

    @property
    def needs_reorder(self):
        return self.available <= self.reorder_level


class StockMovement(models.Model):
    RECEIPT = "in"
    SHIPMENT = "out"
    ADJUSTMENT = "adjust"
    TRANSFER = "transfer"
    KINDS = [
        (RECEIPT, "Receipt"),
        (SHIPMENT, "Shipment"),
        (ADJUSTMENT, "Adjustment"),
        (TRANSFER, "Transfer"),
    ]

    stock_item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(max_length=10, choices=KINDS)
    quantity = models.IntegerField(help_text="Positive in, negative out.")
    reference = models.CharField(max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity:+d} {self.stock_item.variant}"


class PurchaseOrder(models.Model):
    DRAFT = "draft"
    SENT = "sent"
    RECEIVED = "received"
    CANCELLED = "cancelled"
    STATUSES = [(DRAFT, "Draft"), (SENT, "Sent"), (RECEIVED, "Received"), (CANCELLED, "Cancelled")]

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="purchase_orders")
    reference = models.CharField(max_length=30, unique=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT)
    ordered_at = models.DateTimeField(null=True, blank=True)
    expected_at = models.DateField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.reference


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.ProductVariant", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_cost = models.DecimalField(max_digits=10, decimal_places=2)
    received_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["purchase_order", "id"]

    def __str__(self):
        return f"{self.quantity} × {self.variant}"
