from django.urls import path

from accord.decisions.views import applicant, manage, public

app_name = "decisions"
urlpatterns = [
    path("manage/calls/<slug:slug>/decisions/", manage.PortfolioView.as_view(), name="portfolio"),
    path(
        "manage/calls/<slug:slug>/decisions/scenarios/new/",
        manage.ScenarioRunView.as_view(),
        name="scenario_run",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/scenarios/<int:pk>/",
        manage.ScenarioView.as_view(),
        name="scenario",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/scenarios/<int:pk>/progress/",
        manage.ScenarioProgressView.as_view(),
        name="scenario_progress",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/scenarios/<int:pk>/again/",
        manage.ScenarioRerunView.as_view(),
        name="scenario_rerun",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/scenarios/<int:pk>/what-if/",
        manage.WhatIfView.as_view(),
        name="what_if",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/applications/",
        manage.BoardView.as_view(),
        name="board",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/applications/<str:reference>/",
        manage.DecideView.as_view(),
        name="decide",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/applications/<str:reference>/decide/",
        manage.RecordDecisionView.as_view(),
        name="decide_record",
    ),
    path(
        "manage/calls/<slug:slug>/decisions/disagreements/",
        manage.DisagreementsView.as_view(),
        name="disagreements",
    ),
    path("manage/awards/<str:reference>/", manage.AwardView.as_view(), name="award"),
    path(
        "manage/awards/<str:reference>/payments/",
        manage.AwardPaymentView.as_view(),
        name="award_payment",
    ),
    path(
        "manage/awards/<str:reference>/outputs/",
        manage.AwardOutputView.as_view(),
        name="award_output",
    ),
    path(
        "manage/awards/<str:reference>/letters/",
        manage.AwardLettersView.as_view(),
        name="award_letters",
    ),
    path(
        "manage/awards/<str:reference>/publish/",
        manage.AwardPublishView.as_view(),
        name="award_publish",
    ),
    path(
        "manage/awards/<str:reference>/unpublish/",
        manage.AwardUnpublishView.as_view(),
        name="award_unpublish",
    ),
    path(
        "applications/<str:reference>/decision/",
        applicant.MyDecisionView.as_view(),
        name="my_decision",
    ),
    path(
        "awards/<str:reference>/letters/<int:pk>/",
        applicant.LetterDownloadView.as_view(),
        name="letter",
    ),
    path(
        "manage/awards/<str:reference>/accept/",
        manage.AwardAcceptView.as_view(),
        name="award_accept",
    ),
    path("awards/<str:reference>/accept/", applicant.AcceptView.as_view(), name="accept"),
    path("awards/", public.AwardsView.as_view(), name="awards"),
    path("awards/360giving.json", public.OpenDataView.as_view(format="json"), name="open_json"),
    path("awards/360giving.csv", public.OpenDataView.as_view(format="csv"), name="open_csv"),
    path("accord/<slug:slug>/delivery/", public.DeliveryView.as_view(), name="delivery"),
]
