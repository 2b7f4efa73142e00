from django.urls import path

from accord.matching import views

app_name = "matching"
urlpatterns = [
    path("partners/", views.PartnerFinderView.as_view(), name="partners"),
    path("manage/calls/<slug:slug>/matching/", views.MatchingView.as_view(), name="call"),
    path(
        "manage/calls/<slug:slug>/matching/runs/<int:pk>/",
        views.RunProgressView.as_view(),
        name="progress",
    ),
    path(
        "manage/applications/<str:reference>/reviewers/",
        views.SuggestedReviewersView.as_view(),
        name="suggestions",
    ),
]
