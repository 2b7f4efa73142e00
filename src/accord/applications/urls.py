from django.urls import path

from accord.applications.enums import ApplicationState
from accord.applications.views import applicant as views

app_name = "applications"
urlpatterns = [
    path("calls/", views.CallListView.as_view(), name="calls"),
    path("calls/<slug:slug>/", views.CallView.as_view(), name="call"),
    path("calls/<slug:slug>/apply/", views.StartView.as_view(), name="start"),
    path("applications/", views.MyApplicationsView.as_view(), name="mine"),
    path("applications/<str:reference>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("applications/<str:reference>/edit/", views.EditView.as_view(), name="edit"),
    path("applications/<str:reference>/budget/", views.BudgetView.as_view(), name="budget"),
    path("applications/<str:reference>/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "applications/<str:reference>/documents/", views.DocumentUploadView.as_view(), name="upload"
    ),
    path(
        "applications/<str:reference>/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document",
    ),
    path(
        "applications/<str:reference>/documents/<int:pk>/delete/",
        views.DocumentDeleteView.as_view(),
        name="document_delete",
    ),
    path(
        "applications/<str:reference>/invitations/<int:pk>/resend/",
        views.InvitationActionView.as_view(action="resend"),
        name="invitation_resend",
    ),
    path(
        "applications/<str:reference>/invitations/<int:pk>/cancel/",
        views.InvitationActionView.as_view(action="cancel"),
        name="invitation_cancel",
    ),
    path("applications/<str:reference>/sign/", views.SignView.as_view(), name="sign"),
    path(
        "applications/<str:reference>/submit/",
        views.TransitionView.as_view(target=ApplicationState.SUBMITTED),
        name="submit",
    ),
    path(
        "applications/<str:reference>/withdraw/",
        views.TransitionView.as_view(target=ApplicationState.WITHDRAWN),
        name="withdraw",
    ),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("people/<slug:slug>/invite/", views.InvitePersonView.as_view(), name="invite_person"),
]
