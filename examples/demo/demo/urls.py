from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("version", views.version, name="version"),
    path("health", views.health, name="health"),
    path("env", views.env, name="env"),
]
