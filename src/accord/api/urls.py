"""The account's API tokens page (the API itself is ``accord.api.main``)."""

from django.urls import path

from accord.api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.TokenListView.as_view(), name="list"),
    path("new/", views.TokenCreateView.as_view(), name="create"),
    path("<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="revoke"),
]
