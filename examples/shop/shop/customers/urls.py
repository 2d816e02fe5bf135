from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.account, name="account"),
    path("wishlist/", views.wishlist, name="wishlist"),
]
