"""Review pages: reviewers (``review/``), applicants' response, the officer ranking, the panel."""

from django.urls import path

from accord.review.views import panel, response, reviewer

app_name = "review"
urlpatterns = [
    path("review/", reviewer.AssignmentListView.as_view(), name="assignments"),
    path("review/assignments/<int:pk>/", reviewer.AssignmentView.as_view(), name="assignment"),
    path("review/assignments/<int:pk>/review/", reviewer.ReviewView.as_view(), name="review"),
    path(
        "review/assignments/<int:pk>/review/submit/",
        reviewer.SubmitReviewView.as_view(),
        name="review_submit",
    ),
    path(
        "review/assignments/<int:pk>/documents/<int:document>/",
        reviewer.DocumentView.as_view(),
        name="document",
    ),
    path(
        "review/applications/<str:reference>/reviews/",
        response.ResponseView.as_view(),
        name="response",
    ),
    path("manage/calls/<slug:slug>/ranking/", panel.RankingView.as_view(), name="ranking"),
    path("manage/calls/<slug:slug>/reviews/", panel.ProgressView.as_view(), name="progress"),
    path("panel/", panel.PanelHomeView.as_view(), name="panel"),
    path("panel/calls/<slug:slug>/", panel.PanelCallView.as_view(), name="panel_call"),
    path(
        "panel/calls/<slug:slug>/applications/<str:reference>/",
        panel.PanelApplicationView.as_view(),
        name="panel_application",
    ),
]
