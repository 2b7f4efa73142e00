"""Ready-made call set-ups for the programmes in the reference data, so an officer can open a
realistic call in a minute. Values marked "configurable" come from rules the sources leave open."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

UK_ROK_ICA: dict[str, Any] = {
    "label": _("Royal Society–NRF International Collaboration Awards"),
    "programme": "uk-rok-ica",
    "sides": [
        {"funder": "royal-society", "country": "GB", "currency": "GBP", "funding_rates": {}},
        {"funder": "nrf", "country": "KR", "currency": "KRW", "funding_rates": {}},
    ],
    "areas": [
        "ai",
        "semiconductors",
        "quantum",
        "space",
        "engineering-biology",
        "data",
        "telecoms",
    ],
    "rules": [
        {"key": "leads", "kind": "lead_each_side", "params": {}},
        {"key": "budgets", "kind": "budget_each_side", "params": {}},
        # UK award value is not published in the sources: configurable.
        {
            "key": "max-request-uk",
            "kind": "max_request",
            "params": {"country": "GB", "amount": "225000", "currency": "GBP"},
        },
        {
            "key": "max-request-kr",
            "kind": "max_request",
            "params": {"country": "KR", "amount": "600000000", "currency": "KRW"},
        },
        {
            "key": "hosts-uk",
            "kind": "org_kinds",
            "params": {"country": "GB", "kinds": ["university", "institute"]},
        },
        {
            "key": "hosts-kr",
            "kind": "org_kinds",
            "params": {"country": "KR", "kinds": ["university", "institute"]},
        },
        {
            "key": "emerging-leaders",
            "kind": "career_stage",
            "params": {"country": "GB", "stages": ["early", "mid"]},
        },
        {"key": "duration", "kind": "duration", "params": {"min": 36, "max": 36}},
        {"key": "one-per-person", "kind": "max_applications_per_person", "params": {"max": 1}},
        {"key": "korean-summary", "kind": "korean_summary", "params": {}},
        {"key": "areas", "kind": "areas_in_call", "params": {}},
    ],
    "criteria": [
        {
            "key": "excellence",
            "name_en": "Research excellence",
            "name_ko": "연구의 우수성",
            "weight": "40",
        },
        {
            "key": "partnership",
            "name_en": "Quality and mutual benefit of the partnership",
            "name_ko": "협력의 질과 상호 호혜성",
            "weight": "30",
        },
        {
            "key": "leadership",
            "name_en": "Development of the emerging research leaders",
            "name_ko": "신진 연구 리더의 역량 개발",
            "weight": "30",
        },
    ],
    # An early-career, fellowship-type scheme: supervision is a conflict for 10 years (UK4b).
    "settings": {
        "score_min": 1,
        "score_max": 6,
        "reviewers_per_application": 3,
        "reviewers_from_each_country": True,
        "max_pages": 6,
        "max_upload_mb": 10,
        "conflict_rules": {"fellowship_scheme": True},
    },
}

IUK_KIAT_CRD: dict[str, Any] = {
    "label": _("Innovate UK–KIAT collaborative R&D"),
    "programme": "iuk-kiat-innovation",
    "sides": [
        {
            "funder": "innovate-uk",
            "country": "GB",
            "currency": "GBP",
            "funding_rates": {
                "micro": "0.70",
                "small": "0.70",
                "medium": "0.60",
                "large": "0.50",
                "non_profit": "1.00",
            },
        },
        {
            "funder": "kiat",
            "country": "KR",
            "currency": "KRW",
            "funding_rates": {
                "large": "0.33",
                "mid_tier": "0.50",
                "medium": "0.67",
                "small": "0.67",
                "micro": "0.67",
                "non_profit": "1.00",
            },
        },
    ],
    "areas": ["semiconductors", "ai", "quantum", "telecoms", "engineering-biology"],
    "rules": [
        {"key": "leads", "kind": "lead_each_side", "params": {}},
        {"key": "budgets", "kind": "budget_each_side", "params": {}},
        {
            "key": "business-led-uk",
            "kind": "org_kinds",
            "params": {"country": "GB", "kinds": ["company"], "roles": ["lead"]},
        },
        {
            "key": "business-led-kr",
            "kind": "org_kinds",
            "params": {"country": "KR", "kinds": ["company"], "roles": ["lead"]},
        },
        {
            "key": "max-grant-uk",
            "kind": "max_request",
            "params": {"country": "GB", "amount": "350000", "currency": "GBP"},
        },
        {
            "key": "max-grant-kr",
            "kind": "max_request",
            "params": {"country": "KR", "amount": "1500000000", "currency": "KRW"},
        },
        {
            "key": "cost-balance",
            "kind": "cost_balance",
            "params": {
                "max_share": "0.7",
                "rates": {"GBP": "1", "KRW": "0.00058"},
                "rate_date": "2024-04-30",
                "base": "GBP",
            },
        },
        {"key": "duration", "kind": "duration", "params": {"min": 24, "max": 36}},
        {"key": "areas", "kind": "areas_in_call", "params": {}},
    ],
    "criteria": [
        {"key": f"q{i + 1}", "name_en": en, "name_ko": ko, "weight": "10"}
        for i, (en, ko) in enumerate(
            [
                ("Need or challenge", "필요성 또는 과제"),
                ("Approach and innovation", "접근 방법과 혁신성"),
                ("Team and resources", "팀과 자원"),
                ("Market awareness", "시장 이해"),
                ("Outcomes and route to market", "성과와 사업화 경로"),
                ("Wider impacts", "파급 효과"),
                ("Project management", "과제 관리"),
                ("Risks", "위험 관리"),
                ("Added value", "부가 가치"),
                ("Costs and value for money", "비용과 효율성"),
            ]
        )
    ],
    "settings": {
        "score_min": 0,
        "score_max": 10,
        "reviewers_per_application": 4,
        "reviewers_from_each_country": True,
        "max_pages": 10,
        "max_upload_mb": 10,
    },
}

TEMPLATES: dict[str, dict[str, Any]] = {"uk-rok-ica": UK_ROK_ICA, "iuk-kiat-crd": IUK_KIAT_CRD}
