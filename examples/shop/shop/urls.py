from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "Shop administration"
admin.site.site_title = "Shop admin"
admin.site.index_title = "Catalog, customers, orders and stock"

urlpatterns = [
    path("", views.home, name="home"),
    path("version", views.version, name="version"),
    path("health", views.health, name="health"),
    path("products/", include("shop.catalog.urls")),
    path("account/", include("shop.customers.urls")),
    path("orders/", include("shop.orders.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
