from django.urls import path

from accord.review.views import manage, pool

app_name = "review_assign"
urlpatterns = [
    path("manage/calls/<slug:slug>/reviewers/", pool.PoolView.as_view(), name="pool"),
    path(
        "manage/calls/<slug:slug>/assignment/", manage.AssignmentView.as_view(), name="assignment"
    ),
    path(
        "manage/calls/<slug:slug>/assignment/runs/<int:pk>/",
        manage.RunProgressView.as_view(),
        name="progress",
    ),
    path(
        "manage/calls/<slug:slug>/assignment/hand/",
        manage.HandAdjustView.as_view(),
        name="hand",
    ),
    path(
        "manage/calls/<slug:slug>/assignment/publish/",
        manage.PublishView.as_view(),
        name="publish",
    ),
    path("review/invitations/", pool.MyInvitationsView.as_view(), name="invitations"),
    path(
        "review/invitations/<int:pk>/answer/",
        pool.AnswerInvitationView.as_view(),
        name="answer",
    ),
    path(
        "review/assignments/<int:pk>/decline/",
        pool.DeclineAssignmentView.as_view(),
        name="decline",
    ),
]
