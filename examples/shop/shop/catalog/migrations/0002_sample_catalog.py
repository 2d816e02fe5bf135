"""A small sample catalog, so a fresh shop has something to list at /products/.

Written by hand (RunPython): it changes rows, not the schema, so `makemigrations --check`
stays quiet. Unapplying it deletes only what it made (the products by SKU, then the rest
by slug)."""
from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    # slug, name, parent slug
    ("kitchen", "Kitchen", None),
    ("cookware", "Cookware", "kitchen"),
    ("tableware", "Tableware", "kitchen"),
    ("outdoor", "Outdoor", None),
    ("camping", "Camping", "outdoor"),
    ("garden", "Garden", "outdoor"),
    ("office", "Office", None),
]
BRANDS = [("northwind", "Northwind"), ("fjord", "Fjord & Co"), ("atelier", "Atelier Rouge"), ("basalt", "Basalt")]
TAGS = ["bestseller", "eco", "gift", "new", "handmade", "sale"]
ATTRIBUTES = {"colour": ["Black", "Sand", "Forest"], "size": ["S", "M", "L"]}
PRODUCTS = [
    # sku, name, category, brand, price, was, featured, tags, attribute of its variants
    ("KT-001", "Cast iron skillet", "cookware", "basalt", "39.00", None, True, ["bestseller"], None),
    ("KT-002", "Enamel stock pot", "cookware", "basalt", "64.50", "79.00", False, ["sale"], "colour"),
    ("KT-003", "Carbon steel wok", "cookware", "northwind", "45.00", None, False, ["new"], None),
    ("KT-004", "Stoneware dinner plate", "tableware", "atelier", "12.90", None, True, ["handmade"], "colour"),
    ("KT-005", "Linen napkins (set of 4)", "tableware", "fjord", "24.00", None, False, ["eco", "gift"], "colour"),
    ("KT-006", "Glass carafe", "tableware", "fjord", "19.50", None, False, [], None),
    ("OD-001", "Two-person tent", "camping", "northwind", "189.00", "219.00", True, ["sale"], None),
    ("OD-002", "Down sleeping bag", "camping", "northwind", "149.00", None, False, ["bestseller"], "size"),
    ("OD-003", "Titanium camp mug", "camping", "basalt", "22.00", None, False, ["gift"], None),
    ("OD-004", "Folding camp chair", "camping", "fjord", "54.00", None, False, [], "colour"),
    ("OD-005", "Pruning shears", "garden", "basalt", "29.90", None, False, [], None),
    ("OD-006", "Watering can, 7 l", "garden", "fjord", "34.00", None, True, ["eco"], "colour"),
    ("OF-001", "Desk lamp", "office", "atelier", "79.00", None, True, ["new"], "colour"),
    ("OF-002", "Notebook, dotted", "office", "atelier", "9.50", None, False, ["eco", "gift"], None),
    ("OF-003", "Fountain pen", "office", "atelier", "58.00", "65.00", False, ["gift", "sale"], None),
    ("OF-004", "Standing desk mat", "office", "northwind", "42.00", None, False, [], "size"),
]
REVIEWS = [
    ("KT-001", 5, "Heavy and even", "Heats evenly, seasoned well after a few uses."),
    ("KT-001", 4, "Great pan", "Heavier than expected."),
    ("OD-001", 5, "Dry in a storm", "Pitched in five minutes, stayed dry all night."),
    ("OF-001", 3, "Nice light", "Warm light, but the switch is stiff."),
]


def slugify(text):
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def create(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    Brand = apps.get_model("catalog", "Brand")
    Tag = apps.get_model("catalog", "Tag")
    Attribute = apps.get_model("catalog", "Attribute")
    AttributeValue = apps.get_model("catalog", "AttributeValue")
    Product = apps.get_model("catalog", "Product")
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    Review = apps.get_model("catalog", "Review")

    categories = {}
    for position, (slug, name, parent) in enumerate(CATEGORIES):
        categories[slug] = Category.objects.create(
            slug=slug, name=name, parent=categories.get(parent), position=position
        )
    brands = {slug: Brand.objects.create(slug=slug, name=name) for slug, name in BRANDS}
    tags = {name: Tag.objects.create(slug=name, name=name) for name in TAGS}
    values = {}
    for slug, names in ATTRIBUTES.items():
        attribute = Attribute.objects.create(slug=slug, name=slug.capitalize())
        values[slug] = [
            AttributeValue.objects.create(attribute=attribute, value=v, position=i) for i, v in enumerate(names)
        ]
    products = {}
    for sku, name, category, brand, price, was, featured, tag_names, axis in PRODUCTS:
        product = Product.objects.create(
            sku=sku,
            name=name,
            slug=slugify(name),
            category=categories[category],
            brand=brands[brand],
            price=Decimal(price),
            compare_at_price=Decimal(was) if was else None,
            is_featured=featured,
            summary=f"{name}, from {brands[brand].name}.",
            description=f"The {name.lower()} our customers come back for.\n\nShips within two working days.",
            weight_grams=250 + 50 * len(name),
        )
        product.tags.set([tags[t] for t in tag_names])
        products[sku] = product
        for i, value in enumerate(values[axis] if axis else [None]):
            variant = ProductVariant.objects.create(
                product=product,
                sku=f"{sku}-{value.value[:3].upper()}" if value else f"{sku}-STD",
                name=value.value if value else "",
                is_default=i == 0,
                price_delta=Decimal("5.00") if axis == "size" and value.value == "L" else Decimal("0.00"),
            )
            if value:
                variant.values.set([value])
    for sku, rating, title, body in REVIEWS:
        Review.objects.create(product=products[sku], rating=rating, title=title, body=body, is_approved=True)


def delete(apps, schema_editor):
    apps.get_model("catalog", "Product").objects.filter(sku__in=[p[0] for p in PRODUCTS]).delete()
    apps.get_model("catalog", "Attribute").objects.filter(slug__in=list(ATTRIBUTES)).delete()
    apps.get_model("catalog", "Tag").objects.filter(slug__in=TAGS).delete()
    apps.get_model("catalog", "Brand").objects.filter(slug__in=[b[0] for b in BRANDS]).delete()
    Category = apps.get_model("catalog", "Category")
    for slug, _, _ in reversed(CATEGORIES):
        Category.objects.filter(slug=slug).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, delete),
    ]
