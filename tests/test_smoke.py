from duli.core.selectors import shop_settings_get


def test_shop_settings_row_is_created_on_first_read(db):
    shop = shop_settings_get()
    assert shop.pk == 1
    assert shop.currency == "USD"
