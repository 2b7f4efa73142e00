from django.urls import path

from accord.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("", views.PartnershipListView.as_view(), name="list"),
    path("<slug:slug>/", views.PartnershipDetailView.as_view(), name="detail"),
    path("<slug:slug>/commitments/", views.CommitmentTrackerView.as_view(), name="commitments"),
    path(
        "<slug:slug>/commitments/<slug:key>/edit/",
        views.CommitmentEditView.as_view(),
        name="commitment_edit",
    ),
]
