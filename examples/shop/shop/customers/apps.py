from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "shop.customers"
    verbose_name = "Customers"
    default_auto_field = "django.db.models.AutoField"
