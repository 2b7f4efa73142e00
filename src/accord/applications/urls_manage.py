"""Officer pages (programme officers of a call's funders): one route per page and per action."""

from django.urls import path

from accord.applications.views import (
    application_officer,
    call_criteria,
    call_rules,
    call_settings,
    calls,
)

app_name = "manage"
urlpatterns = [
    path("calls/", calls.CallListView.as_view(), name="calls"),
    path("calls/new/", calls.NewCallView.as_view(), name="call_new"),
    path("calls/<slug:slug>/", calls.CallDashboardView.as_view(), name="call"),
    path(
        "calls/<slug:slug>/applications/",
        calls.CallApplicationsView.as_view(),
        name="call_applications",
    ),
    path(
        "calls/<slug:slug>/settings/",
        call_settings.CallSettingsView.as_view(),
        name="call_settings",
    ),
    path(
        "calls/<slug:slug>/settings/save/",
        call_settings.SaveCallSettingsView.as_view(),
        name="call_settings_save",
    ),
    path(
        "calls/<slug:slug>/settings/conflicts/",
        call_settings.SaveConflictSettingsView.as_view(),
        name="call_conflicts_save",
    ),
    path(
        "calls/<slug:slug>/rule-changes/<int:pk>/agree/",
        call_settings.AgreeRuleChangeView.as_view(),
        name="call_rule_change_agree",
    ),
    path(
        "calls/<slug:slug>/rule-changes/<int:pk>/refuse/",
        call_settings.RefuseRuleChangeView.as_view(),
        name="call_rule_change_refuse",
    ),
    path("calls/<slug:slug>/rules/add/", call_rules.AddRuleView.as_view(), name="call_rule_add"),
    path(
        "calls/<slug:slug>/rules/<slug:rule>/edit/",
        call_rules.EditRuleView.as_view(),
        name="call_rule_edit",
    ),
    path(
        "calls/<slug:slug>/rules/<slug:rule>/delete/",
        call_rules.DeleteRuleView.as_view(),
        name="call_rule_delete",
    ),
    path(
        "calls/<slug:slug>/criteria/",
        call_criteria.CallCriteriaView.as_view(),
        name="call_criteria",
    ),
    path(
        "applications/<str:reference>/",
        application_officer.ManageApplicationView.as_view(),
        name="application",
    ),
    path(
        "applications/<str:reference>/check/",
        application_officer.RecordCheckView.as_view(),
        name="application_check",
    ),
    path(
        "applications/<str:reference>/override/",
        application_officer.OverrideView.as_view(),
        name="application_override",
    ),
    path(
        "applications/<str:reference>/extension/",
        application_officer.ExtensionView.as_view(),
        name="application_extension",
    ),
    path(
        "applications/<str:reference>/decision/",
        application_officer.DecisionView.as_view(),
        name="application_decision",
    ),
]
