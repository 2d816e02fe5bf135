from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    verbose_name = "Catalog"
    default_auto_field = "django.db.models.AutoField"
