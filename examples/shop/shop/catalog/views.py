from django.conf import settings
from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Category, Product


class ProductListView(ListView):
    """Every active product, searchable (?q=) and sortable (?sort=price|-price|name)."""

    template_name = "catalog/product_list.html"
    context_object_name = "products"
    paginate_by = settings.SHOP_PRODUCTS_PER_PAGE
    SORTS = {"name": "name", "price": "price", "-price": "-price", "new": "-created"}

    def get_queryset(self):
        products = (
            Product.objects.active()
            .select_related("category", "brand")
            .annotate(rating=Avg("reviews__rating", filter=Q(reviews__is_approved=True)))
        )
        q = self.request.GET.get("q", "").strip()
        if q:
            products = products.filter(Q(name__icontains=q) | Q(summary__icontains=q) | Q(sku__iexact=q))
        return products.order_by(self.SORTS.get(self.request.GET.get("sort"), "name"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        context["categories"] = Category.objects.filter(is_active=True).annotate(n=Count("products"))
        return context


class CategoryView(ProductListView):
    template_name = "catalog/category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"], is_active=True)
        return super().get_queryset().filter(Q(category=self.category) | Q(category__parent=self.category))

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class ProductDetailView(DetailView):
    template_name = "catalog/product_detail.html"
    context_object_name = "product"

    def get_queryset(self):
        return (
            Product.objects.active()
            .select_related("category", "brand")
            .prefetch_related("variants__values__attribute", "images", "tags")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = self.object.reviews.filter(is_approved=True).select_related("author")
        context["reviews"] = reviews[:10]
        context["rating"] = reviews.aggregate(avg=Avg("rating"), n=Count("id"))
        return context
