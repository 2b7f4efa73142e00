from django.urls import path

from accord.directory import views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
]
