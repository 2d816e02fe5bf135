from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "shop.inventory"
    verbose_name = "Inventory"
    default_auto_field = "django.db.models.AutoField"
