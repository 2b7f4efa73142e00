"""Demo stage: two Royal Society–NRF calls and about forty joint applications, built through the services.

* ``uk-rok-ica-2025`` — the 2025 round (15 January – 30 April 2025, London time), closed: 36
  applications in every post-deadline state (eligible, ineligible with a real reason, submitted
  and not yet checked, withdrawn). Closed means closed: none of them is still a draft.
* ``uk-rok-ica-2026`` — the 2026–27 round (1 September 2026 – 31 March 2027), open: four drafts
  being written, and room for the demo applicants (``applicant-uk`` / ``applicant-kr``) to start one.

Every step goes through a service (``create_call_from_template``, ``start_application``,
``invite_member`` + ``accept_invitation``, ``update_application``, ``save_budget``, ``sign_off``,
``transition_application``, ``record_funder_check``) with ``now=`` inside the call's window, so the
audit log reads like the real round. Nothing depends on today's date or on randomness; each call is
built once (skipped when its slug exists), people and accounts are upserts, so running the seed
again adds nothing. Invitation e-mails are not sent (they would go to made-up addresses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test.utils import override_settings

from accord.accounts.models import User
from accord.accounts.services.users import create_user, link_person
from accord.applications.enums import ApplicationState, CheckStatus, MemberRole
from accord.applications.models import Application
from accord.applications.selectors.eligibility import evaluate_application, is_eligible
from accord.applications.services.budget import save_budget
from accord.applications.services.checks import record_funder_check
from accord.applications.services.drafting import start_application, update_application
from accord.applications.services.lifecycle import sign_off, transition_application
from accord.applications.services.team import accept_invitation, invite_member
from accord.directory.models import Organisation, Person
from accord.directory.services.people import upsert_person
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call
from accord.programmes.services.calls import create_call_from_template

LONDON = ZoneInfo("Europe/London")

CLOSED_CALL = {
    "slug": "uk-rok-ica-2025",
    "name_en": "2025 round",
    "name_ko": "2025년 공모",
    "opens_at": dt.datetime(2025, 1, 15, 9, 0, tzinfo=LONDON),
    "closes_at": dt.datetime(2025, 4, 30, 16, 0, tzinfo=LONDON),
}
OPEN_CALL = {
    "slug": "uk-rok-ica-2026",
    "name_en": "2026–27 round",
    "name_ko": "2026~27년 공모",
    "opens_at": dt.datetime(2026, 9, 1, 9, 0, tzinfo=LONDON),
    "closes_at": dt.datetime(2027, 3, 31, 16, 0, tzinfo=LONDON),
}

# Outcomes of the applications in the closed call.
ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"  # withdrawn after submission
WITHDRAWN_DRAFT = "withdrawn_draft"  # withdrawn before it was ever submitted
DRAFT = "draft"  # only in the open call


@dataclass(frozen=True)
class NewPerson:
    """A demo researcher who is not in researchers.json (upserted by slug)."""

    slug: str
    name_en: str
    name_ko: str
    organisation: str
    department: str
    career_stage: str = "mid"


@dataclass(frozen=True)
class Project:
    uk: str | NewPerson  # the UK lead: a researchers.json key or a new person
    kr: str | NewPerson
    area: str
    title_en: str
    title_ko: str
    summary_en: str
    summary_ko: str
    keywords: str
    outcome: str
    co_investigators: tuple[str, ...] = ()
    # Deliberate faults for the ineligible ones (the rule that catches them is in the comment).
    duration: int = 36
    krw: int = 0  # 0: the usual Korean budget
    no_korean_summary: bool = False
    started_by_kr: bool = False


def new_person(slug: str) -> NewPerson | None:
    """The demo researcher ``slug`` made by this stage (None if it is not one of them)."""
    for project in CLOSED_PROJECTS + OPEN_PROJECTS:
        for ref in (project.uk, project.kr):
            if isinstance(ref, NewPerson) and ref.slug == slug:
                return ref
    return None


def _uk(slug: str, name_en: str, org: str, department: str, stage: str = "mid") -> NewPerson:
    return NewPerson(slug, name_en, "", org, department, stage)


def _kr(
    slug: str, name_en: str, name_ko: str, org: str, department: str, stage: str = "mid"
) -> NewPerson:
    return NewPerson(slug, name_en, name_ko, org, department, stage)


# fmt: off
CLOSED_PROJECTS: list[Project] = [
    # --- researchers from the directory, paired by field --------------------------------------
    Project("menon-rahul", "park-seoyeon", "data",
            "Federated learning on incomplete public-health records with formal privacy guarantees",
            "형식적 프라이버시 보장을 갖춘 불완전 공공보건 기록의 연합학습",
            "Hospitals in London and Seoul cannot pool patient records. We combine graph-based imputation of missing values with differentially private secure aggregation, so that models trained across both countries match centrally trained ones without any record leaving its hospital.",
            "런던과 서울의 병원은 환자 기록을 한곳에 모을 수 없다. 그래프 기반 결측값 대치와 차등 프라이버시 보안 집계를 결합하여, 어떤 기록도 병원을 떠나지 않고도 양국에 걸쳐 학습한 모델이 중앙 집중 학습 모델과 같은 성능을 내도록 한다.",
            "federated learning, differential privacy, missing data", ELIGIBLE),
    Project("gallagher-aoife", "lee-jiho", "ai",
            "Auditing privacy leakage of English and Korean language models",
            "영어 및 한국어 언어모델의 프라이버시 유출 감사",
            "We build membership-inference and data-extraction audits that work for both English and Korean models, release a bilingual benchmark of memorised personal data, and test which training-time defences reduce leakage without harming accuracy.",
            "영어와 한국어 모델 모두에 적용되는 멤버십 추론 및 데이터 추출 감사 기법을 개발하고, 암기된 개인정보에 대한 이중언어 벤치마크를 공개하며, 정확도를 해치지 않으면서 유출을 줄이는 학습 단계 방어 기법을 검증한다.",
            "membership inference, language models, privacy audit", ELIGIBLE),
    Project("okafor-daniel", "jung-eunji", "semiconductors",
            "Wafer-scale graphene–MoS2 heterostructures for low-power logic",
            "저전력 논리소자를 위한 웨이퍼 규모 그래핀–MoS2 이종구조",
            "Manchester's polymer-free graphene transfer meets POSTECH's aligned monolayer MoS2 growth: together we will make 100 mm heterostructure wafers with edge contacts and measure device-to-device variability for logic circuits.",
            "맨체스터의 고분자 없는 그래핀 전사 기술과 포스텍의 정렬된 단층 MoS2 성장 기술을 결합하여, 엣지 접촉을 갖춘 100 mm 이종구조 웨이퍼를 제작하고 논리회로용 소자 간 편차를 측정한다.",
            "2D materials, graphene, MoS2, heterostructures", ELIGIBLE),
    Project("chua-mei-ling", "yoon-yejin", "quantum",
            "Materials origins of decoherence in silicon spin and superconducting qubits",
            "실리콘 스핀 큐비트와 초전도 큐비트의 결맞음 손실의 물질적 기원",
            "Charge noise in Si/SiGe spin qubits and two-level-system loss in tantalum transmons share surface-oxide origins. We compare both platforms on the same surface treatments to find processes that improve coherence in each.",
            "Si/SiGe 스핀 큐비트의 전하 잡음과 탄탈럼 트랜스몬의 이준위계 손실은 표면 산화물이라는 공통 원인을 가진다. 동일한 표면 처리 공정으로 두 플랫폼을 비교하여 각각의 결맞음 시간을 향상시키는 공정을 찾는다.",
            "qubits, decoherence, surface oxides", ELIGIBLE),
    Project("macrae-fergus", "han-jaewon", "space",
            "A nanosatellite constellation for high-resolution soil-moisture monitoring",
            "고해상도 토양수분 관측을 위한 초소형 위성군",
            "We design a constellation of drag-controlled nanosatellites carrying L-band radiometers and an uncertainty-aware downscaling pipeline, validated over Scottish peatlands and Korean rice paddies.",
            "차등 항력으로 제어되는 L-밴드 복사계 탑재 초소형 위성군과 불확실성을 고려한 상세화 파이프라인을 설계하고, 스코틀랜드 이탄지와 한국 논에서 검증한다.",
            "nanosatellites, soil moisture, remote sensing", ELIGIBLE),
    Project("raghavan-priya", "oh-soyoung", "space",
            "Real-time interference mitigation for joint UK–Korea VLBI observations",
            "영-한 공동 VLBI 관측을 위한 실시간 전파간섭 완화",
            "Radio-frequency interference is the main loss of observing time at e-MERLIN and KVN. We port a GPU flagging pipeline to both arrays and run simultaneous multi-frequency VLBI of maser regions with interference removed in real time.",
            "전파간섭은 e-MERLIN과 KVN 관측 시간 손실의 주된 원인이다. GPU 기반 간섭 표시 파이프라인을 두 관측망에 이식하고, 실시간으로 간섭을 제거한 상태에서 메이저 영역의 동시 다중주파수 VLBI 관측을 수행한다.",
            "radio astronomy, RFI, VLBI, GPU", ELIGIBLE),
    Project("pritchard-owen", "seo-taehyun", "data",
            "Machine-learning foreground removal for 21-cm intensity mapping",
            "21cm 강도 지도 작성을 위한 기계학습 기반 전경 제거",
            "We train foreground-removal networks on simulations calibrated with real beam chromaticity, and cross-correlate the cleaned HI maps with Korean optical galaxy surveys to measure large-scale structure.",
            "실제 빔 색수차로 보정한 시뮬레이션으로 전경 제거 신경망을 학습시키고, 정제된 HI 지도를 한국의 광학 은하 탐사 자료와 교차상관하여 대규모 구조를 측정한다.",
            "21-cm cosmology, foregrounds, deep learning", ELIGIBLE),
    Project("ferreira-isabel", "kwon-hyejin", "engineering-biology",
            "Automated biofoundry workflows for a genome-reduced E. coli chassis",
            "게놈 축소 대장균 섀시를 위한 자동화 바이오파운드리 워크플로",
            "SynbiCITE's automated DNA assembly and KRIBB's genome-reduced chassis are combined in a shared design–build–test–learn loop, with Bayesian optimisation across both foundries.",
            "SynbiCITE의 자동화 DNA 조립과 한국생명공학연구원의 게놈 축소 섀시를 결합하여, 두 파운드리에 걸친 베이지안 최적화로 공동 설계-제작-시험-학습 순환을 운영한다.",
            "biofoundry, DNA assembly, chassis strains", ELIGIBLE),
    Project("asante-kwame", "hwang-nari", "engineering-biology",
            "Burden-aware genetic circuits for tumour-sensing probiotic bacteria",
            "종양 감지 프로바이오틱 세균을 위한 부담 인지형 유전자 회로",
            "We design layered circuits with orthogonal sigma factors that sense hypoxia in tumours while limiting the burden on E. coli Nissle, and test their stability in mouse models in Pohang.",
            "직교 시그마 인자를 이용한 계층형 회로를 설계하여 종양의 저산소 환경을 감지하면서도 대장균 니슬의 부담을 줄이고, 포항에서 마우스 모델로 안정성을 시험한다.",
            "genetic circuits, probiotics, cancer", ELIGIBLE),
    Project("siddiqui-ahmed", "moon-jisu", "ai",
            "Graph learning for cardiotoxicity-aware drug design",
            "심장독성을 고려한 약물 설계를 위한 그래프 학습",
            "Message-passing networks pretrained on 1.2 million compounds predict hERG liability; we couple them with active learning on organoid screens to propose candidates that are both potent and safe.",
            "120만 개 화합물로 사전학습한 메시지 전달 신경망으로 hERG 위험을 예측하고, 오가노이드 스크리닝 기반 능동학습과 결합하여 효능과 안전성을 함께 갖춘 후보 물질을 제안한다.",
            "drug discovery, graph neural networks, hERG", ELIGIBLE),
    Project("whitfield-george", "choi-hyunwoo", "telecoms",
            "Hybrid optical–wireless fronthaul for 6G radio access networks",
            "6G 무선접속망을 위한 광-무선 하이브리드 프론트홀",
            "We combine digital back-propagation for optical links with massive-MIMO channel measurements in dense Seoul districts to design fronthaul that carries 6G traffic at a third of today's energy.",
            "광링크용 디지털 역전파 기법과 서울 도심 밀집 지역의 대규모 MIMO 채널 측정을 결합하여, 현재의 3분의 1 에너지로 6G 트래픽을 전달하는 프론트홀을 설계한다.",
            "fronthaul, 6G, optical communications", ELIGIBLE),
    Project(_uk("bishop-laura", "Laura Bishop", "imperial", "Department of Aeronautics", "early"), "kim-minjun", "semiconductors",
            "Ferroelectric hafnia memory for in-memory computing",
            "인메모리 컴퓨팅을 위한 강유전체 하프니아 메모리",
            "Multilevel HfZrO2 tunnel junctions grown at KAIST are integrated with analogue crossbar design at Imperial to run neural-network inference inside the memory array.",
            "KAIST에서 성장시킨 다중준위 HfZrO2 터널 접합을 임페리얼의 아날로그 크로스바 설계와 통합하여 메모리 배열 안에서 신경망 추론을 수행한다.",
            "ferroelectrics, HfZrO2, in-memory computing", ELIGIBLE, started_by_kr=True),
    Project(_uk("nash-oliver", "Oliver Nash", "cambridge", "Department of Chemical Engineering and Biotechnology", "early"), "baek-jungwoo", "engineering-biology",
            "Systems metabolic engineering of Corynebacterium for bio-based nylon precursors",
            "바이오 기반 나일론 전구체 생산을 위한 코리네박테리움 시스템 대사공학",
            "Genome-scale models from Cambridge and KAIST's synthetic small RNAs are combined to redirect Corynebacterium glutamicum towards glutarate and cadaverine at industrial titres.",
            "케임브리지의 게놈 규모 대사 모델과 KAIST의 합성 소형 조절 RNA를 결합하여 코리네박테리움 글루타미쿰의 대사를 글루타르산과 카다베린의 산업적 생산으로 전환한다.",
            "metabolic engineering, Corynebacterium, bio-nylon", ELIGIBLE, co_investigators=("harrington-lucy",), started_by_kr=True),
    Project(_uk("iqbal-sana", "Sana Iqbal", "imperial", "Department of Physics", "mid"), "shin-dongha", "quantum",
            "Photonic links between trapped-ion quantum modules",
            "이온 트랩 양자 모듈 간 광자 연결",
            "We connect two trapped-ion modules, one of ytterbium and barium ions in Seoul and one in London, by photonic entanglement, and demonstrate a remote gate with sympathetic cooling between the modules.",
            "서울의 이터븀·바륨 이온 모듈과 런던의 모듈을 광자 얽힘으로 연결하고, 동조 냉각을 이용한 원격 게이트를 시연한다.",
            "trapped ions, photonic interconnect, quantum networking", ELIGIBLE, co_investigators=("pryce-jonathan",)),
    Project(_uk("hale-matthew", "Matthew Hale", "milner", "Computational Oncology Group", "early"), "yoo-sanghoon", "ai",
            "Predicting colorectal cancer drug response from patient-derived organoids",
            "환자 유래 오가노이드를 이용한 대장암 약물 반응 예측",
            "Whole-exome data and organoid drug screens from early-onset colorectal cancer patients in Korea train models that we validate on a UK cohort, to choose treatment before the first cycle.",
            "한국의 조기 발병 대장암 환자의 전엑솜 자료와 오가노이드 약물 스크리닝으로 모델을 학습하고, 영국 코호트에서 검증하여 첫 치료 주기 전에 치료법을 선택할 수 있게 한다.",
            "organoids, colorectal cancer, machine learning", ELIGIBLE, co_investigators=("thorne-rebecca",)),
    Project(_uk("fraser-calum", "Calum Fraser", "edinburgh", "School of Engineering", "early"), "lim-dahye", "telecoms",
            "Reconfigurable intelligent surfaces for indoor millimetre-wave coverage",
            "실내 밀리미터파 커버리지를 위한 재구성 가능한 지능형 표면",
            "Deep-learning channel estimation for surfaces with hundreds of elements, tested in offices in Edinburgh and Seoul, to bring 28 GHz coverage indoors without new base stations.",
            "수백 개 소자를 가진 지능형 표면을 위한 딥러닝 채널 추정 기법을 에든버러와 서울의 사무실에서 시험하여, 새 기지국 없이 28 GHz 커버리지를 실내로 확장한다.",
            "RIS, mmWave, channel estimation", ELIGIBLE, co_investigators=("kowalczyk-hannah",)),
    # --- new researchers on both sides ----------------------------------------------------------
    Project(_uk("osei-ama", "Ama Osei", "ucl", "Department of Computer Science"),
            _kr("jeon-haneul", "Haneul Jeon", "전하늘", "snu", "Department of Computer Science and Engineering"), "ai",
            "Bilingual evaluation of reasoning in large language models",
            "대규모 언어모델 추론 능력의 이중언어 평가",
            "Most reasoning benchmarks exist only in English. We build parallel English–Korean reasoning tasks written by native speakers and measure how much of models' reasoning survives translation.",
            "대부분의 추론 벤치마크는 영어로만 존재한다. 원어민이 작성한 영어-한국어 병렬 추론 과제를 구축하고, 모델의 추론 능력이 번역 후에도 얼마나 유지되는지 측정한다.",
            "LLM evaluation, reasoning, Korean NLP", ELIGIBLE),
    Project(_uk("patel-nikhil", "Nikhil Patel", "manchester", "Department of Computer Science", "early"),
            _kr("bae-sujin", "Sujin Bae", "배수진", "kaist", "Kim Jaechul Graduate School of AI", "early"), "ai",
            "Energy-efficient training of vision models on neuromorphic hardware",
            "뉴로모픽 하드웨어에서 시각 모델의 에너지 효율적 학습",
            "Spiking networks on SpiNNaker2 and KAIST's neuromorphic chips are trained with surrogate gradients; we compare accuracy per joule on the same vision tasks.",
            "SpiNNaker2와 KAIST 뉴로모픽 칩에서 대리 기울기로 스파이킹 신경망을 학습하고, 동일한 시각 과제에서 줄당 정확도를 비교한다.",
            "neuromorphic computing, spiking networks", ELIGIBLE),
    Project(_uk("reid-kirsty", "Kirsty Reid", "edinburgh", "School of Physics and Astronomy"),
            _kr("cho-minho", "Minho Cho", "조민호", "yonsei", "Department of Physics"), "quantum",
            "Photonic quantum memories in rare-earth doped crystals",
            "희토류 도핑 결정 기반 광자 양자 메모리",
            "We store telecom-band photons in erbium-doped crystals for milliseconds, a step towards quantum repeaters linking quantum computers across a city.",
            "어븀 도핑 결정에 통신 대역 광자를 밀리초 동안 저장하여, 도시 규모로 양자컴퓨터를 연결하는 양자 중계기로 나아간다.",
            "quantum memory, rare-earth ions, quantum repeaters", ELIGIBLE),
    Project(_uk("ahmed-yusuf", "Yusuf Ahmed", "cambridge", "Cavendish Laboratory", "early"),
            _kr("ha-eunwoo", "Eunwoo Ha", "하은우", "postech", "Department of Physics", "early"), "quantum",
            "Error-mitigated quantum simulation of lattice gauge theories",
            "오류 완화 양자 시뮬레이션을 이용한 격자 게이지 이론 연구",
            "We run lattice gauge models on superconducting and trapped-ion hardware with zero-noise extrapolation and compare the error budgets of the two platforms.",
            "초전도 및 이온 트랩 하드웨어에서 영잡음 외삽을 적용해 격자 게이지 모델을 실행하고, 두 플랫폼의 오류 예산을 비교한다.",
            "quantum simulation, error mitigation", ELIGIBLE),
    Project(_uk("walsh-ciara", "Ciara Walsh", "imperial", "Department of Materials"),
            _kr("yang-jihun", "Jihun Yang", "양지훈", "korea-univ", "Department of Materials Science and Engineering"), "semiconductors",
            "Gallium oxide power devices for efficient electric-vehicle chargers",
            "고효율 전기차 충전기를 위한 산화갈륨 전력소자",
            "Beta-gallium oxide transistors promise lower losses than silicon carbide. We grow epitaxial layers, fabricate vertical transistors and test them in a 22 kW charger prototype.",
            "베타 산화갈륨 트랜지스터는 탄화규소보다 낮은 손실을 기대할 수 있다. 에피택셜 층을 성장시키고 수직형 트랜지스터를 제작하여 22 kW 충전기 시제품에서 시험한다.",
            "gallium oxide, power electronics, EV charging", ELIGIBLE),
    Project(_uk("grant-eilidh", "Eilidh Grant", "edinburgh", "School of Engineering", "early"),
            _kr("nam-yerin", "Yerin Nam", "남예린", "kaist", "School of Electrical Engineering", "early"), "semiconductors",
            "Chiplet interconnects with silicon photonics",
            "실리콘 포토닉스를 이용한 칩렛 인터커넥트",
            "We design micro-ring modulators and co-packaged lasers for chiplet-to-chiplet links at 1 pJ/bit and test them on interposers made in Korean foundries.",
            "1 pJ/bit 칩렛 간 연결을 위한 마이크로링 변조기와 공동 패키징 레이저를 설계하고, 한국 파운드리에서 제작한 인터포저에서 시험한다.",
            "chiplets, silicon photonics, interconnects", ELIGIBLE),
    Project(_uk("morris-tom", "Tom Morris", "ucl", "Mullard Space Science Laboratory"),
            _kr("kwak-dohyun", "Dohyun Kwak", "곽도현", "kaist", "Satellite Technology Research Center"), "space",
            "Radiation-tolerant onboard AI for Earth-observation smallsats",
            "지구관측 소형위성을 위한 내방사선 온보드 인공지능",
            "We qualify commercial AI accelerators for low Earth orbit with heavy-ion tests in both countries and fly a cloud-screening model on a KAIST cubesat.",
            "양국에서 중이온 시험을 통해 상용 AI 가속기를 저궤도용으로 검증하고, KAIST 큐브위성에 구름 선별 모델을 탑재해 운용한다.",
            "onboard AI, radiation, cubesats", ELIGIBLE),
    Project(_uk("clarke-hannah", "Hannah Clarke", "synbicite", "Biofoundry and Scale-up", "early"),
            _kr("song-minji", "Minji Song", "송민지", "kribb", "Synthetic Biology Research Center", "early"), "engineering-biology",
            "Cell-free biosensors for antibiotic residues in water",
            "수중 항생제 잔류물 검출을 위한 무세포 바이오센서",
            "Freeze-dried cell-free reactions with transcription-factor sensors detect antibiotic residues in river water in minutes; we field-test them on the Thames and the Han.",
            "전사인자 센서를 갖춘 동결건조 무세포 반응으로 하천수의 항생제 잔류물을 수 분 안에 검출하고, 템스강과 한강에서 현장 시험한다.",
            "cell-free systems, biosensors, water quality", ELIGIBLE),
    Project(_uk("evans-rhys", "Rhys Evans", "cambridge", "Department of Engineering"),
            _kr("jang-seungwoo", "Seungwoo Jang", "장승우", "postech", "Department of Electrical Engineering"), "telecoms",
            "Terahertz links for short-range 6G backhaul",
            "근거리 6G 백홀을 위한 테라헤르츠 링크",
            "We build 300 GHz transceivers with beam-steering lens antennas and measure link budgets in rain and fog on rooftops in Cambridge and Pohang.",
            "빔 조향 렌즈 안테나를 갖춘 300 GHz 송수신기를 제작하고, 케임브리지와 포항의 옥상에서 비와 안개 속 링크 예산을 측정한다.",
            "terahertz, 6G, backhaul", ELIGIBLE),
    Project(_uk("lloyd-megan", "Megan Lloyd", "manchester", "Department of Computer Science", "early"),
            _kr("hong-jaemin", "Jaemin Hong", "홍재민", "snu", "Graduate School of Data Science", "early"), "data",
            "Trustworthy data sharing for smart-city mobility",
            "스마트시티 이동 데이터의 신뢰할 수 있는 공유",
            "Synthetic mobility data with measured privacy and utility lets Manchester and Seoul share travel patterns across operators; we publish the generators and the evaluation protocol.",
            "프라이버시와 유용성이 측정된 합성 이동 데이터를 통해 맨체스터와 서울이 운영사 간 이동 패턴을 공유할 수 있게 하고, 생성기와 평가 규약을 공개한다.",
            "synthetic data, mobility, smart cities", ELIGIBLE),
    Project(_uk("khan-amir", "Amir Khan", "ucl", "Department of Statistical Science"),
            _kr("lee-soyeon", "Soyeon Lee", "이소연", "korea-univ", "Department of Statistics"), "data",
            "Causal inference from linked administrative data in two health systems",
            "두 보건의료체계의 연계 행정자료를 이용한 인과추론",
            "The NHS and Korea's national health insurance differ in how care is recorded. We develop transportable causal estimators and test them on the effect of statins in both populations.",
            "영국 NHS와 한국 국민건강보험은 진료 기록 방식이 다르다. 이전 가능한 인과 추정량을 개발하고 양국 인구에서 스타틴의 효과로 검증한다.",
            "causal inference, administrative data, health", ELIGIBLE),
    Project(_uk("hughes-bethan", "Bethan Hughes", "imperial", "Department of Bioengineering", "early"),
            _kr("shim-yuna", "Yuna Shim", "심유나", "postech", "Department of Chemical Engineering", "early"), "engineering-biology",
            "Engineered spider-silk proteins produced in yeast",
            "효모에서 생산한 공학적 거미줄 단백질",
            "We design repetitive silk proteins for expression in Komagataella phaffii, scale fermentation to 50 litres and spin fibres with the strength of natural dragline silk.",
            "코마가타엘라 파피에서 발현되는 반복 서열 거미줄 단백질을 설계하고, 50리터 규모로 발효를 확장하여 천연 견인사 수준의 강도를 가진 섬유를 방사한다.",
            "recombinant silk, yeast, biomaterials", ELIGIBLE),
    # --- ineligible, each for a real reason -----------------------------------------------------
    Project("whitcombe-eleanor", "song-kyungho", "ai",  # emerging-leaders: the UK lead is a senior researcher
            "Scalable oversight of bilingual language models",
            "이중언어 언어모델의 확장 가능한 감독",
            "Debate and specification-gaming studies carried across English and Korean: do oversight methods that work in one language transfer to the other?",
            "토론 기반 감독과 명세 게이밍 연구를 영어와 한국어로 확장하여, 한 언어에서 효과적인 감독 기법이 다른 언어로도 이전되는지 검증한다.",
            "AI safety, oversight, debate", INELIGIBLE),
    Project("lowe-harriet", "kang-sungmin", "semiconductors",  # hosts: both leads are at companies
            "GaN-on-Si power amplifiers for 28 GHz 5G",
            "28 GHz 5G용 GaN-on-Si 전력증폭기",
            "Trapping and thermal limits of GaN-on-Si HEMTs are studied together by two device companies to reach 40 % efficiency at 28 GHz.",
            "두 소자 기업이 GaN-on-Si HEMT의 트래핑과 열적 한계를 공동 연구하여 28 GHz에서 40% 효율을 달성한다.",
            "GaN, power amplifiers, 5G", INELIGIBLE),
    Project(_uk("barker-james", "James Barker", "manchester", "Department of Electrical and Electronic Engineering"),
            _kr("kim-taeyang", "Taeyang Kim", "김태양", "snu", "Department of Electrical and Computer Engineering"), "semiconductors",
            "Extreme-ultraviolet resist chemistry for 2 nm patterning",  # max-request-kr: ₩650 million
            "2 nm 패터닝을 위한 극자외선 감광제 화학",
            "Metal-oxide resists are tested at a synchrotron in the UK and on an EUV scanner in Korea to cut line-edge roughness at 2 nm.",
            "금속 산화물 감광제를 영국의 방사광 가속기와 한국의 EUV 노광 장비에서 시험하여 2 nm에서 선폭 거칠기를 줄인다.",
            "EUV lithography, resists", INELIGIBLE, krw=650_000_000),
    Project(_uk("young-isla", "Isla Young", "edinburgh", "School of Informatics", "early"),
            _kr("park-hyunseo", "Hyunseo Park", "박현서", "yonsei", "Department of Artificial Intelligence", "early"), "ai",
            "Speech recognition for regional dialects of English and Korean",  # korean-summary: left empty
            "영어와 한국어 지역 방언을 위한 음성인식",
            "Self-supervised speech models are adapted to Scots, Geordie, Gyeongsang and Jeolla dialects with a few hours of transcribed speech.",
            "",
            "speech recognition, dialects", INELIGIBLE, no_korean_summary=True),
    Project(_uk("owen-gareth", "Gareth Owen", "cambridge", "Institute of Astronomy"),
            _kr("choi-yujin", "Yujin Choi", "최유진", "kaist", "Department of Aerospace Engineering"), "space",
            "Lunar regolith construction with microwave sintering",  # duration: 24 months instead of 36
            "마이크로파 소결을 이용한 달 레골리스 건설",
            "Simulant regolith from both countries is sintered by microwaves into bricks; we measure strength after thermal cycling.",
            "양국의 모사 레골리스를 마이크로파로 소결하여 벽돌을 만들고, 열 순환 후 강도를 측정한다.",
            "lunar construction, sintering", INELIGIBLE, duration=24),
    # --- submitted, not yet checked -------------------------------------------------------------
    Project(_uk("murray-alice", "Alice Murray", "oxford", "Department of Engineering Science", "early"),
            _kr("seong-jiwon", "Jiwon Seong", "성지원", "snu", "Department of Mechanical Engineering", "early"), "ai",
            "Robot learning from bilingual natural-language instructions",
            "이중언어 자연어 지시로부터의 로봇 학습",
            "Household robots learn tasks from instructions in English or Korean; we study how grounding transfers between languages.",
            "가정용 로봇이 영어 또는 한국어 지시로부터 작업을 학습하며, 언어 간 그라운딩이 어떻게 전이되는지 연구한다.",
            "robot learning, language grounding", SUBMITTED),
    Project(_uk("bell-samuel", "Samuel Bell", "oxford", "Department of Materials"),
            _kr("ryu-hana", "Hana Ryu", "류하나", "postech", "Department of Materials Science and Engineering"), "quantum",
            "Diamond nitrogen-vacancy sensors for battery diagnostics",
            "배터리 진단을 위한 다이아몬드 질소-공공 센서",
            "Quantum magnetometry with NV centres images current flow inside working lithium cells without opening them.",
            "NV 센터를 이용한 양자 자기측정으로 작동 중인 리튬 전지 내부의 전류 흐름을 분해 없이 영상화한다.",
            "NV centres, quantum sensing, batteries", SUBMITTED, started_by_kr=True),
    Project(_uk("doherty-niamh", "Niamh Doherty", "ucl", "Department of Electronic and Electrical Engineering", "early"),
            _kr("woo-sungjin", "Sungjin Woo", "우성진", "yonsei", "School of Electrical and Electronic Engineering", "early"), "telecoms",
            "Open RAN energy saving with traffic-aware sleep modes",
            "트래픽 인지 절전 모드를 이용한 오픈랜 에너지 절감",
            "Graph-neural traffic forecasts switch Open RAN cells to sleep; trials on test networks in London and Seoul measure savings and service impact.",
            "그래프 신경망 트래픽 예측으로 오픈랜 셀을 절전 상태로 전환하고, 런던과 서울의 시험망에서 절감량과 서비스 영향을 측정한다.",
            "Open RAN, energy efficiency", SUBMITTED),
    # --- withdrawn ------------------------------------------------------------------------------
    Project(_uk("stewart-ross", "Ross Stewart", "edinburgh", "School of Chemistry"),
            _kr("baek-seoyun", "Seoyun Baek", "백서윤", "korea-univ", "Department of Chemistry"), "engineering-biology",
            "Enzymatic recycling of PET textiles",
            "PET 섬유의 효소 재활용",
            "Engineered PETases depolymerise blended textiles; we compare pre-treatments at pilot scale.",
            "공학적으로 개량한 PET 분해효소로 혼방 섬유를 해중합하고, 파일럿 규모에서 전처리 방법을 비교한다.",
            "PET recycling, enzymes", WITHDRAWN),
    Project(_uk("price-eleanor", "Eleanor Price", "cambridge", "Department of Computer Science and Technology", "early"),
            _kr("lim-junho", "Junho Lim", "임준호", "kaist", "School of Computing", "early"), "data",
            "Verified compilers for data-pipeline languages",
            "데이터 파이프라인 언어를 위한 검증된 컴파일러",
            "A verified compiler for a SQL-like pipeline language guarantees that optimisations never change results.",
            "SQL과 유사한 파이프라인 언어를 위한 검증된 컴파일러로 최적화가 결과를 바꾸지 않음을 보장한다.",
            "verified compilation, data pipelines", WITHDRAWN, started_by_kr=True),
    Project(_uk("webb-daniel", "Daniel Webb", "imperial", "Department of Earth Science and Engineering"),
            _kr("go-yeseul", "Yeseul Go", "고예슬", "kribb", "Microbial Biotechnology Research Center"), "engineering-biology",
            "Microbial recovery of critical metals from mine tailings",
            "광미로부터 핵심 금속의 미생물 회수",
            "Bioleaching consortia are tuned to recover cobalt and lithium from tailings in Cornwall and Gangwon.",
            "콘월과 강원의 광미에서 코발트와 리튬을 회수하도록 생물침출 미생물 군집을 조정한다.",
            "bioleaching, critical metals", WITHDRAWN_DRAFT),
]

OPEN_PROJECTS: list[Project] = [
    Project(_uk("foster-ruth", "Ruth Foster", "oxford", "Department of Computer Science", "early"),
            _kr("kim-dahyun", "Dahyun Kim", "김다현", "snu", "Department of Computer Science and Engineering", "early"), "ai",
            "Interpretable reward models for Korean and English dialogue",
            "한국어와 영어 대화를 위한 해석 가능한 보상 모델",
            "We train sparse, inspectable reward models and compare their preferences across the two languages.",
            "희소하고 검사 가능한 보상 모델을 학습하고 두 언어에서의 선호를 비교한다.",
            "reward models, interpretability", DRAFT),
    Project(_uk("turner-adam", "Adam Turner", "manchester", "Photon Science Institute"),
            _kr("jo-hyerin", "Hyerin Jo", "조혜린", "yonsei", "Department of Physics"), "quantum",
            "Quantum dot single-photon sources at telecom wavelengths",
            "통신 파장 양자점 단일광자 광원",
            "Droplet-epitaxy quantum dots emitting at 1550 nm are integrated with fibre cavities.",
            "1550 nm에서 방출하는 액적 에피택시 양자점을 광섬유 공진기와 통합한다.",
            "single photons, quantum dots", DRAFT, started_by_kr=True),
    Project(_uk("hart-jessica", "Jessica Hart", "ucl", "Department of Space and Climate Physics", "early"),
            _kr("yun-seojin", "Seojin Yun", "윤서진", "kaist", "Department of Aerospace Engineering", "early"), "space",
            "Autonomous rendezvous for in-orbit servicing of small satellites",
            "소형위성 궤도상 서비스를 위한 자율 랑데부",
            "",  # just started: only the title so far
            "",
            "", DRAFT),
    Project(_uk("cooper-liam", "Liam Cooper", "cambridge", "Department of Genetics"),
            _kr("ahn-jiyoung", "Jiyoung Ahn", "안지영", "kribb", "Synthetic Biology Research Center"), "engineering-biology",
            "Genome-scale CRISPR screens in industrial yeast",
            "산업용 효모의 게놈 규모 CRISPR 스크리닝",
            "Pooled CRISPR interference screens identify genes that limit protein secretion.",
            "풀링 CRISPR 간섭 스크리닝으로 단백질 분비를 제한하는 유전자를 찾는다.",
            "CRISPR screens, yeast", DRAFT),
]
# fmt: on


def _person(ref: str | NewPerson, country: str, orgs: dict[str, Organisation]) -> Person:
    if isinstance(ref, str):
        return Person.objects.get(slug=ref)
    return upsert_person(
        slug=ref.slug,
        name_en=ref.name_en,
        name_ko=ref.name_ko,
        country=country,
        organisation=orgs[ref.organisation],
        department=ref.department,
        career_stage=ref.career_stage,
        email=f"{ref.slug}@{ref.organisation}.example",
    )


def _account(person: Person) -> User:
    """The researcher's own account (user name = person key); no password: they do not sign in to
    the demo — except the people of the demo's own applicant accounts (``seed.ACCOUNTS``), whose
    account, made earlier by ``seed_accounts``, is linked to them here."""
    from accord.demo.seed import ACCOUNTS

    user = User.objects.filter(person=person).first()
    if user is not None:
        return user
    demo = next((a.username for a in ACCOUNTS if a.person == person.slug), None)
    waiting = User.objects.filter(username=demo, person__isnull=True).first() if demo else None
    if waiting is not None:
        return link_person(user=waiting, person=person)
    first, _, last = person.name_en.partition(" ")
    return create_user(
        username=person.slug,
        email=person.email or f"{person.slug}@accord.example",
        password=None,  # type: ignore[arg-type]  # None: Django's unusable password (no hashing cost)
        first_name=first,
        last_name=last,
        person=person,
        preferred_language="ko" if person.country == "KR" else "en",
    )


def _budget_lines(
    project: Project, index: int, orgs: dict[str, Organisation]
) -> list[dict[str, Any]]:
    """Realistic lines on both sides, within the call's limits (£225,000 and ₩600 million) unless the project says otherwise."""
    step = index % 5
    gb_staff = Decimal(150_000 + 5_000 * step)
    krw = Decimal(project.krw) if project.krw else Decimal(420_000_000 + 20_000_000 * step)
    lines = [
        ("GB", orgs["GB"], "staff", "Postdoctoral researcher, 36 months", gb_staff, "GBP"),
        (
            "GB",
            orgs["GB"],
            "travel",
            "Visits to the Korean partner and exchange of early-career researchers",
            Decimal(24_000),
            "GBP",
        ),
        (
            "GB",
            orgs["GB"],
            "consumables",
            "Materials and consumables",
            Decimal(18_000 + 1_000 * step),
            "GBP",
        ),
        (
            "KR",
            orgs["KR"],
            "staff",
            "연구원 인건비 (박사후연구원 1명, 대학원생 2명)",
            krw - Decimal(150_000_000),
            "KRW",
        ),
        ("KR", orgs["KR"], "travel", "영국 방문 및 공동 워크숍", Decimal(45_000_000), "KRW"),
        ("KR", orgs["KR"], "equipment", "연구 장비", Decimal(105_000_000), "KRW"),
    ]
    return [
        {
            "country": c,
            "organisation": o,
            "category": cat,
            "description": d,
            "amount": a,
            "currency": cur,
        }
        for c, o, cat, d, a, cur in lines
    ]


def _build(
    call: Call,
    project: Project,
    index: int,
    orgs: dict[str, Organisation],
    officers: dict[str, User],
) -> Application:
    """One application, from its start to the project's outcome, through the services."""
    start = call.opens_at + dt.timedelta(days=3 + (index * 2) % 60, hours=index % 7)
    uk = _person(project.uk, "GB", orgs)
    kr = _person(project.kr, "KR", orgs)
    uk_user, kr_user = _account(uk), _account(kr)
    starter, partner = (kr_user, uk_user) if project.started_by_kr else (uk_user, kr_user)

    application = start_application(call=call, user=starter, title_en=project.title_en, now=start)
    invitation = invite_member(
        application=application,
        email=partner.email,
        role=MemberRole.LEAD,
        country=partner.person.country,
        actor=starter,
    )
    accept_invitation(invitation=invitation, user=partner)
    for slug in project.co_investigators:
        colleague = _account(Person.objects.get(slug=slug))
        invitation = invite_member(
            application=application,
            email=colleague.email,
            role=MemberRole.CO_INVESTIGATOR,
            country=colleague.person.country,
            actor=uk_user,
        )
        accept_invitation(invitation=invitation, user=colleague)
    if not project.summary_en:  # a draft that has only its title so far
        return application

    application = Application.objects.get(pk=application.pk)
    values = {
        "summary_en": project.summary_en,
        "title_ko": project.title_ko,
        "summary_ko": project.summary_ko,
        "keywords": project.keywords,
        "duration_months": project.duration,
    }
    application = update_application(
        application=application,
        expected_version=application.version,
        values=values,
        areas=[TechnologyArea.objects.get(slug=project.area)],
        actor=starter,
    )
    all_lines = _budget_lines(project, index, {"GB": uk.organisation, "KR": kr.organisation})
    for country, lead_user in (("GB", uk_user), ("KR", kr_user)):  # each lead saves their side
        application = save_budget(
            application=application,
            expected_version=application.version,
            actor=lead_user,
            country=country,
            lines=[line for line in all_lines if line["country"] == country],
        )
    if project.outcome == DRAFT:
        if index % 2 == 0:  # one lead has already signed this version
            sign_off(application=application, user=starter, version=application.version)
        return application
    if project.outcome == WITHDRAWN_DRAFT:
        return transition_application(
            application=application,
            to=ApplicationState.WITHDRAWN,
            actor=uk_user,
            reason="The partner's institution could not commit the matched funding.",
            now=start + dt.timedelta(days=20),
        )

    sign_off(application=application, user=uk_user, version=application.version)
    sign_off(application=application, user=kr_user, version=application.version)
    submitted_at = call.closes_at - dt.timedelta(
        days=1 + index % 9, hours=index % 5, minutes=7 * index % 60
    )
    application = transition_application(
        application=application, to=ApplicationState.SUBMITTED, actor=starter, now=submitted_at
    )
    if project.outcome == SUBMITTED:
        return application
    if project.outcome == WITHDRAWN:
        return transition_application(
            application=application,
            to=ApplicationState.WITHDRAWN,
            actor=uk_user,
            reason="The UK lead has accepted a post outside the UK.",
            now=call.closes_at + dt.timedelta(days=4),
        )

    decided = call.closes_at + dt.timedelta(days=10 + index % 10)
    lines = evaluate_application(application)
    failing = [line.message for line in lines if not line.passed]
    expected = project.outcome == ELIGIBLE
    if is_eligible(lines) != expected:  # the demo data is wrong, not the rules: say which line
        raise RuntimeError(
            f"demo application {project.title_en!r} should be {project.outcome}: {failing}"
        )
    # Two keys: both funders' checks pass (eligible) or one fails (ineligible); the state follows.
    for country, officer in officers.items():
        record_funder_check(
            application=application,
            country=country,
            status=CheckStatus.PASSED if expected or country != "GB" else CheckStatus.FAILED,
            notes="" if expected or country != "GB" else " ".join(failing),
            actor=officer,
            now=decided,
        )
    return Application.objects.get(pk=application.pk)


def _open_call(spec: dict[str, Any]) -> Call | None:
    """Create the call from the Royal Society–NRF template, or None when it exists already."""
    if Call.objects.filter(slug=spec["slug"]).exists():
        return None
    return create_call_from_template(template="uk-rok-ica", actor=None, published=True, **spec)


def seed_applications() -> dict[str, int]:
    """Both demo calls and their applications; a call that exists is left as it is."""
    orgs = {o.slug: o for o in Organisation.objects.all()}
    officers = {
        "GB": User.objects.get(username="officer-rs"),
        "KR": User.objects.get(username="officer-nrf"),
    }
    made = {"closed": 0, "open": 0}
    # Invitations e-mail the invitee when the transaction commits; demo addresses are made up.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for key, spec, projects in (
            ("closed", CLOSED_CALL, CLOSED_PROJECTS),
            ("open", OPEN_CALL, OPEN_PROJECTS),
        ):
            with transaction.atomic():
                call = _open_call(spec)
                if call is None:
                    continue
                for index, project in enumerate(projects):
                    _build(call, project, index, orgs, officers)
                made[key] = len(projects)
    return made
