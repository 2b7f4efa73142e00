from django.urls import path

from accord.directory import views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("me/", views.MyProfileView.as_view(), name="my_profile"),
    path("me/visibility/", views.VisibilityView.as_view(), name="my_visibility"),
    path("me/publications/add/", views.AddPublicationView.as_view(), name="my_publication_add"),
    path(
        "me/publications/import/",
        views.ImportPublicationsView.as_view(),
        name="my_publications_import",
    ),
    path(
        "me/publications/imports/<int:pk>/",
        views.ImportStatusView.as_view(),
        name="my_publications_import_status",
    ),
    path(
        "me/publications/<int:pk>/edit/",
        views.EditPublicationView.as_view(),
        name="my_publication_edit",
    ),
    path(
        "me/publications/<int:pk>/delete/",
        views.DeletePublicationView.as_view(),
        name="my_publication_delete",
    ),
]
