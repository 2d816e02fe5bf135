from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "demo.pages"
    default_auto_field = "django.db.models.AutoField"
