from django.urls import path

from accord.accounts.views import TwoFactorView

urlpatterns = [
    path("two-factor/", TwoFactorView.as_view(), name="two_factor"),
]
