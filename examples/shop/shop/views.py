from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape

from shop.catalog.models import Category, Product
from shop.version import VERSION


def home(request):
    """The storefront: the version in its heading, the featured products and the top categories."""
    featured = Product.objects.active().filter(is_featured=True).select_related("category", "brand")[:8]
    categories = Category.objects.filter(is_active=True, parent__isnull=True)
    return render(request, "home.html", {"featured": featured, "categories": categories})


def version(request):
    """The release's heading, without a template or the database: the deploy tests' load."""
    return HttpResponse(f"<!doctype html>\n<h1>shop app {escape(VERSION)}</h1>\n")


def health(request):
    """For the deploy's health check: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
