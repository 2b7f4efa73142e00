"""The ONE declared policy: for every route (URL name) and method, what each role gets.

Outcomes: ``ok`` (2xx), ``redirect`` (a 3xx that is not the sign-in page), ``login`` (sent to sign
in), or an HTTP status (``"404"`` forbidden by existence, ``"403"`` seen but not allowed, ``"405"``
method not allowed, ``"400"`` bad request). Each route lists its outcome per method as
``{"*": default, outcome: [roles]}``. Add a route here when you add it to the site.

A team member who asks to change an application that no longer takes changes (it is in review in
the matrix world) is refused with the reason and sent back to the application: ``redirect`` on
the applicants' change routes; nothing is changed (the services refuse too). Withdrawing is the
leads' alone, whatever the state: a team member gets 403.
"""

from __future__ import annotations

ROLES = [
    "anonymous",
    "uk_lead",
    "kr_lead",
    "team_member",
    "other_applicant",
    "reviewer_assigned",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "panel_member",
    "panel_conflicted",
    "officer_a",
    "officer_b",
    "officer_unrelated",
    "secretariat",
    "administrator",
]

# Markers the matrix world contains, and the only roles any response may show them to.
LEAKS = {
    "PANEL-ONLY-COMMENT-7Q": {
        "officer_a",
        "officer_b",
        "administrator",
        "panel_member",
        "reviewer_assigned",
    },
    "Zebulon Quillfeather": {"officer_a", "officer_b", "administrator", "reviewer_assigned"},
    "KR-ONLY-COST-LINE-7Q": {
        "uk_lead",
        "kr_lead",
        "team_member",
        "officer_a",
        "officer_b",
        "administrator",
        "reviewer_assigned",
        "panel_member",
    },
    "DRAFT-PRIVATE-TITLE-7Q": {"other_applicant"},
}

TABLE: dict[str, dict[str, dict[str, object]]] = {
    "admin/(?P<url>.*)$": {
        "GET": {"*": "login", "404": ["administrator"]},
        "POST": {"*": "login", "404": ["administrator"]},
    },
    "admin/accounts/user/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/auth/group/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/axes/accessattempt/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/axes/accessfailurelog/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/axes/accesslog/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/common/auditentry/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/directory/organisation/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/directory/person/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/otp_totp/totpdevice/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/partnerships/commitment/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/partnerships/instrument/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/partnerships/partnership/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/partnerships/technologyarea/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin/programmes/programme/<path:object_id>/": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:*": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:auth_group_change": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:auth_group_delete": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:auth_group_history": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:autocomplete": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "405": ["administrator"]},
    },
    "admin:axes_accessattempt_add": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:axes_accessattempt_change": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:axes_accessattempt_delete": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:axes_accessattempt_history": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:axes_accessfailurelog_add": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:axes_accessfailurelog_change": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:axes_accessfailurelog_delete": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:axes_accessfailurelog_history": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:axes_accesslog_add": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:axes_accesslog_change": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:common_auditentry_add": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:common_auditentry_change": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:common_auditentry_delete": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:django_tasks_database_dbtaskresult_add": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:django_tasks_database_dbtaskresult_change": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:django_tasks_database_dbtaskresult_delete": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:django_tasks_database_dbtaskresult_history": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:index": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:jsi18n": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "405": ["administrator"]},
    },
    "admin:login": {"GET": {"*": "ok", "redirect": ["administrator"]}, "POST": {"*": "ok"}},
    "admin:logout": {"GET": {"*": "redirect", "405": ["administrator"]}, "POST": {"*": "redirect"}},
    "admin:otp_totp_totpdevice_change": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:otp_totp_totpdevice_config": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:otp_totp_totpdevice_delete": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:otp_totp_totpdevice_history": {
        "GET": {"*": "login", "redirect": ["administrator"]},
        "POST": {"*": "login", "redirect": ["administrator"]},
    },
    "admin:otp_totp_totpdevice_qrcode": {
        "GET": {"*": "login", "403": ["administrator"]},
        "POST": {"*": "login", "403": ["administrator"]},
    },
    "admin:partnerships_commitment_change": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:partnerships_commitment_delete": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:partnerships_commitment_history": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:partnerships_instrument_change": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:partnerships_instrument_delete": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:partnerships_instrument_history": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "ok": ["administrator"]},
    },
    "admin:password_change_done": {
        "GET": {"*": "login", "ok": ["administrator"]},
        "POST": {"*": "login", "405": ["administrator"]},
    },
    "admin:view_on_site": {
        "GET": {"*": "login", "404": ["administrator"]},
        "POST": {"*": "login", "404": ["administrator"]},
    },
    "api:api-root": {"GET": {"*": "404"}, "POST": {"*": "404"}},
    "api:get_application": {
        "GET": {
            "*": "404",
            "401": ["anonymous"],
            "ok": ["uk_lead", "kr_lead", "team_member", "officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405"},
    },
    "api:get_application_eligibility": {
        "GET": {
            "*": "404",
            "401": ["anonymous"],
            "403": ["officer_a", "officer_b", "administrator"],
            "ok": ["uk_lead", "kr_lead", "team_member"],
        },
        "POST": {"*": "405"},
    },
    "api:get_call": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "api:get_call_ranking": {
        "GET": {"*": "404", "401": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "405"},
    },
    "api:get_partnership": {"GET": {"*": "404"}, "POST": {"*": "405"}},
    "api:list_application_reviews": {
        "GET": {
            "*": "404",
            "401": ["anonymous"],
            "403": ["uk_lead", "kr_lead", "team_member", "administrator"],
            "ok": ["officer_a", "officer_b"],
        },
        "POST": {"*": "405"},
    },
    "api:list_applications": {"GET": {"*": "ok", "401": ["anonymous"]}, "POST": {"*": "405"}},
    "api:list_awards": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "api:list_call_submissions": {
        "GET": {"*": "404", "401": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "405"},
    },
    "api:list_calls": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "api:list_my_assignments": {"GET": {"*": "ok", "401": ["anonymous"]}, "POST": {"*": "405"}},
    "api:list_partnerships": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "api:list_programmes": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "api:openapi-json": {"GET": {"*": "ok"}, "POST": {"*": "ok"}},
    "api:openapi-view": {"GET": {"*": "ok"}, "POST": {"*": "ok"}},
    # The API's writes (PUT; tried on the KR side of the application in review): only that side's
    # funder's officer (applications.record_check / decisions.decide_side with Side(app, "KR"));
    # those who see the application 403, everyone else 404. A decision before the panel is 400.
    "api:put_decision": {
        "GET": {"*": "405"},
        "POST": {"*": "405"},
        "PUT": {
            "*": "404",
            "400": ["officer_b"],
            "401": ["anonymous"],
            "403": ["uk_lead", "kr_lead", "team_member", "officer_a", "administrator"],
        },
    },
    "api:put_funder_check": {
        "GET": {"*": "405"},
        "POST": {"*": "405"},
        "PUT": {
            "*": "404",
            "401": ["anonymous"],
            "403": ["uk_lead", "kr_lead", "team_member", "officer_a", "administrator"],
            "ok": ["officer_b"],
        },
    },
    "api_tokens:create": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "400", "login": ["anonymous"]},
    },
    "api_tokens:list": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "api_tokens:revoke": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "applications:budget": {
        "GET": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:call": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "applications:calls": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "applications:detail": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["uk_lead", "kr_lead", "team_member", "officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "applications:document": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["uk_lead", "kr_lead", "team_member", "officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "applications:document_delete": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:edit": {
        "GET": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:invitation": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "applications:invitation_cancel": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:invitation_resend": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:invite": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:invite_person": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "applications:mine": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "applications:sign": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:start": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "redirect", "login": ["anonymous"]},
    },
    "applications:submit": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:upload": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead", "team_member"],
        },
    },
    "applications:withdraw": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["team_member", "officer_a", "officer_b", "administrator"],
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead"],
        },
    },
    "audit_log": {
        "GET": {
            "*": "403",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "officer_unrelated", "secretariat", "administrator"],
        },
        "POST": {
            "*": "403",
            "405": ["officer_a", "officer_b", "officer_unrelated", "secretariat", "administrator"],
            "login": ["anonymous"],
        },
    },
    "decisions:accept": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["uk_lead", "kr_lead"],
        },
        "POST": {
            "*": "404",
            "login": ["anonymous"],
            "redirect": ["uk_lead", "kr_lead"],
        },
    },
    "decisions:award": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:award_accept": {
        "GET": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "redirect": ["officer_a", "officer_b"],
        },
    },
    "decisions:award_letters": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "redirect": ["officer_a", "officer_b"],
        },
    },
    "decisions:award_output": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "decisions:award_payment": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "decisions:award_publish": {
        "GET": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "redirect": ["officer_a", "officer_b"],
        },
    },
    "decisions:award_unpublish": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "decisions:awards": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "decisions:board": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:decide": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:decide_record": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "decisions:delivery": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "decisions:disagreements": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:letter": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:my_decision": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["uk_lead", "kr_lead", "team_member"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:open_csv": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "decisions:open_json": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "decisions:portfolio": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:scenario": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:scenario_progress": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "decisions:scenario_rerun": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "decisions:scenario_run": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "decisions:what_if": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "directory:my_profile": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "directory:my_publication_add": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "ok",
            "404": ["officer_a", "officer_b", "officer_unrelated", "secretariat", "administrator"],
            "login": ["anonymous"],
        },
    },
    "directory:my_publication_delete": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["uk_lead"]},
        "POST": {"*": "404", "login": ["anonymous"], "redirect": ["uk_lead"]},
    },
    "directory:my_publication_edit": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["uk_lead"]},
        "POST": {"*": "404", "login": ["anonymous"], "ok": ["uk_lead"]},
    },
    "directory:my_publications_import": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "ok",
            "404": ["officer_a", "officer_b", "officer_unrelated", "secretariat", "administrator"],
            "login": ["anonymous"],
        },
    },
    "directory:my_publications_import_status": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "directory:my_visibility": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "redirect",
            "404": ["officer_a", "officer_b", "officer_unrelated", "secretariat", "administrator"],
            "login": ["anonymous"],
        },
    },
    "directory:organisation": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "directory:organisations": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "directory:person": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "favicon": {"GET": {"*": "redirect"}, "POST": {"*": "redirect"}},
    "home": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "login": {"GET": {"*": "ok"}, "POST": {"*": "ok"}},
    "logout": {"GET": {"*": "405"}, "POST": {"*": "redirect"}},
    "manage:application": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "manage:application_check": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
    },
    "manage:application_decision": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
    },
    "manage:application_extension": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
    },
    "manage:application_override": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
    },
    "manage:call": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "redirect": ["officer_a", "officer_b"],
        },
    },
    "manage:call_applications": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "manage:call_criteria": {
        "GET": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "manage:call_new": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "officer_unrelated"],
        },
        "POST": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "officer_unrelated"],
        },
    },
    "manage:call_conflicts_save": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "manage:call_rule_add": {
        "GET": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "manage:call_rule_change_agree": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "403": ["administrator"], "login": ["anonymous"]},
    },
    "manage:call_rule_change_refuse": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "403": ["administrator"], "login": ["anonymous"]},
    },
    "manage:call_rule_delete": {
        "GET": {
            "*": "404",
            "403": ["officer_a", "administrator"],
            "login": ["anonymous"],
            "ok": ["officer_b"],
        },
        "POST": {
            "*": "404",
            "403": ["officer_a", "administrator"],
            "login": ["anonymous"],
            "redirect": ["officer_b"],
        },
    },
    "manage:call_rule_edit": {
        "GET": {
            "*": "404",
            "403": ["officer_a", "administrator"],
            "login": ["anonymous"],
            "ok": ["officer_b"],
        },
        "POST": {
            "*": "404",
            "403": ["officer_a", "administrator"],
            "login": ["anonymous"],
            "ok": ["officer_b"],
        },
    },
    "manage:call_settings": {
        "GET": {
            "*": "404",
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b", "administrator"],
        },
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "manage:call_settings_save": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {
            "*": "404",
            "403": ["administrator"],
            "login": ["anonymous"],
            "ok": ["officer_a", "officer_b"],
        },
    },
    "manage:calls": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "matching:call": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "404", "login": ["anonymous"], "redirect": ["officer_a", "officer_b"]},
    },
    "matching:partners": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "matching:progress": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "matching:suggestions": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "partnerships:commitments": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "partnerships:commitment_edit": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["secretariat", "administrator"]},
        "POST": {"*": "404", "login": ["anonymous"], "ok": ["secretariat", "administrator"]},
    },
    "partnerships:detail": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "partnerships:list": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "password_change": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "ok", "login": ["anonymous"]},
    },
    "password_change_done": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "password_reset": {"GET": {"*": "ok"}, "POST": {"*": "ok"}},
    "password_reset_complete": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "password_reset_confirm": {"GET": {"*": "ok"}, "POST": {"*": "ok"}},
    "password_reset_done": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "programmes:detail": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "programmes:list": {"GET": {"*": "ok"}, "POST": {"*": "405"}},
    "review:assignment": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["reviewer_assigned"]},
        "POST": {"*": "404", "login": ["anonymous"], "ok": ["reviewer_assigned"]},
    },
    "review:assignments": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review:document": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["reviewer_assigned"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review:panel": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review:panel_application": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["panel_member"]},
        "POST": {"*": "404", "login": ["anonymous"], "redirect": ["panel_member"]},
    },
    "review:panel_call": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["panel_member", "panel_conflicted"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review:progress": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review:ranking": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review:response": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "404", "login": ["anonymous"]},
    },
    "review:review": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["reviewer_assigned"]},
        "POST": {"*": "404", "ok": ["reviewer_assigned"], "login": ["anonymous"]},
    },
    "review:review_submit": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "ok": ["reviewer_assigned"], "login": ["anonymous"]},
    },
    "review_assign:answer": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "400": ["reviewer_unassigned"], "login": ["anonymous"]},
    },
    "review_assign:assignment": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "404", "400": ["officer_a", "officer_b"], "login": ["anonymous"]},
    },
    "review_assign:decline": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "400": ["reviewer_assigned"], "login": ["anonymous"]},
    },
    "review_assign:hand": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "400": ["officer_a", "officer_b"], "login": ["anonymous"]},
    },
    "review_assign:invitations": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review_assign:pool": {
        "GET": {"*": "404", "login": ["anonymous"], "ok": ["officer_a", "officer_b"]},
        "POST": {"*": "404", "400": ["officer_a", "officer_b"], "login": ["anonymous"]},
    },
    "review_assign:progress": {
        "GET": {"*": "404", "login": ["anonymous"]},
        "POST": {"*": "405", "login": ["anonymous"]},
    },
    "review_assign:publish": {
        "GET": {"*": "405", "login": ["anonymous"]},
        "POST": {"*": "404", "400": ["officer_a", "officer_b"], "login": ["anonymous"]},
    },
    "set_language": {"GET": {"*": "redirect"}, "POST": {"*": "redirect"}},
    "two_factor": {
        "GET": {"*": "ok", "login": ["anonymous"]},
        "POST": {"*": "400", "login": ["anonymous"]},
    },
    "work": {
        "GET": {"*": "redirect", "login": ["anonymous"]},
        "POST": {"*": "redirect", "login": ["anonymous"]},
    },
}


def expected(name: str, method: str, role: str) -> str | None:
    entry = TABLE.get(name)
    if entry is None and name.startswith("admin:"):
        entry = TABLE.get("admin:*")
    if entry is None:
        return None
    rule = entry.get(method, {})
    for outcome, roles in rule.items():
        if outcome != "*" and role in roles:  # type: ignore[operator]
            return outcome
    return rule.get("*")  # type: ignore[return-value]
