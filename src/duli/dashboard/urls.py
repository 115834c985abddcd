"""The merchant dashboard, mounted at /dashboard/ under the "dashboard" namespace."""

from django.urls import include, path

from duli.dashboard.views import (
    auth,
    categories,
    collections,
    home,
    inventory,
    product_editor,
    products,
    settings,
)

app_name = "dashboard"
urlpatterns = [
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("", home.home, name="home"),
    # products
    path("products/", products.product_list, name="product_list"),
    path("products/bulk/", products.product_bulk, name="product_bulk"),
    path("products/new/", product_editor.product_edit, name="product_create"),
    path("products/<int:pk>/", product_editor.product_edit, name="product_edit"),
    path("products/<int:pk>/delete/", products.product_delete, name="product_delete"),
    path(
        "products/<int:pk>/images/",
        product_editor.product_images_upload,
        name="product_images_upload",
    ),
    path(
        "products/<int:pk>/images/order/",
        product_editor.product_images_reorder_view,
        name="product_images_reorder",
    ),
    path(
        "products/<int:pk>/images/<int:image_pk>/",
        product_editor.product_image_update_view,
        name="product_image_update",
    ),
    path(
        "products/<int:pk>/images/<int:image_pk>/delete/",
        product_editor.product_image_delete_view,
        name="product_image_delete",
    ),
    # categories
    path("categories/", categories.category_list, name="category_list"),
    path("categories/new/", categories.category_edit, name="category_create"),
    path("categories/<int:pk>/", categories.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", categories.category_delete_view, name="category_delete"),
    # collections
    path("collections/", collections.collection_list, name="collection_list"),
    path("collections/new/", collections.collection_edit, name="collection_create"),
    path("collections/<int:pk>/", collections.collection_edit, name="collection_edit"),
    path(
        "collections/<int:pk>/products/",
        collections.collection_products,
        name="collection_products",
    ),
    path(
        "collections/<int:pk>/delete/",
        collections.collection_delete_view,
        name="collection_delete",
    ),
    # inventory
    path("inventory/", inventory.inventory_list, name="inventory_list"),
    path("inventory/<int:pk>/", inventory.inventory_variant, name="inventory_variant"),
    # settings
    path("settings/", settings.shop_settings, name="settings"),
    path("", include("duli.dashboard.urls_orders")),
    path("", include("duli.dashboard.urls_customers")),
    path("", include("duli.dashboard.urls_shipping")),
    path("", include("duli.dashboard.urls_tax")),
    path("", include("duli.dashboard.urls_payments")),
]
