import datetime as dt

from django.utils import translation

from accord.common.templatetags.accord import dual_time, money


def test_dual_time_in_winter_and_summer():
    winter = dt.datetime(2024, 1, 31, 16, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2024, 7, 31, 16, 0, tzinfo=dt.UTC)
    with translation.override("en"):
        assert "16:00 (London)" in dual_time(winter) and "01:00 (Seoul)" in dual_time(winter)
        assert "17:00 (London)" in dual_time(summer) and "01:00 (Seoul)" in dual_time(summer)


def test_money_uses_the_funders_currency():
    with translation.override("en"):
        assert money(4500000, "GBP") == "£4,500,000 GBP"
        assert money(200000000, "KRW") == "₩200,000,000 KRW"
