"""The demo's year of public oversight: three overseers, a higher body, and twenty conclusions.

Some are answered on time, some late, some are overdue now, one is escalated to a higher body
(which answers), one withdrawn, and two are still within their term. The plan uses its own
random generator, so adding it changed none of the rest of the demo's data.
"""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final

from sqlalchemy.orm import Session

from registry.auth import service as auth_service
from registry.auth.principal import SYSTEM_ACTOR, Principal, Role
from registry.core.schemas import LocalizedText
from registry.organizations.schemas import OrganizationCreate, OrganizationKind
from registry.oversight import service as oversight_service
from registry.oversight.schemas import (
    Acknowledged,
    Answered,
    Attachment,
    ConclusionCreate,
    ConclusionEventCreate,
    Decision,
    Escalated,
    Extended,
    Subject,
    SubjectType,
    Withdrawn,
)

if TYPE_CHECKING:
    from registry.demo import _Award, _Competition, _Plan

OPEN_DATA_CENTRE: Final = "UZ-STIR-306118240"
YOUTH_COUNCIL: Final = "UZ-STIR-306224517"
FAIR_OVERSIGHT: Final = "KZ-BIN-150340021181"
JUSTICE_MINISTRY: Final = "UZ-STIR-200634412"
"""The higher body the demo's escalation goes to (it registers NGOs in Uzbekistan)."""

ORGANIZATIONS: Final = (
    (
        OPEN_DATA_CENTRE,
        OrganizationKind.NGO,
        "UZ-TK",
        {
            "uz": "«Ochiq maʼlumotlar» jamoatchilik nazorati markazi",
            "ru": "Центр общественного контроля «Открытые данные»",
            "en": "Open Data Public Oversight Centre",
        },
    ),
    (
        YOUTH_COUNCIL,
        OrganizationKind.OTHER,
        "UZ-TK",
        {
            "uz": "Yoshlar ishlari agentligi huzuridagi Jamoatchilik kengashi",
            "ru": "Общественный совет при Агентстве по делам молодёжи",
            "en": "Public Council under the Youth Affairs Agency",
        },
    ),
    (
        FAIR_OVERSIGHT,
        OrganizationKind.NGO,
        "KZ-75",
        {
            "kk": "«Әділ бақылау» қоғамдық бірлестігі",
            "ru": "ОО «Честный контроль»",
            "en": "Fair Oversight public association",
        },
    ),
    (
        JUSTICE_MINISTRY,
        OrganizationKind.STATE_BODY,
        "UZ",
        {
            "uz": "Oʻzbekiston Respublikasi Adliya vazirligi",
            "ru": "Министерство юстиции Республики Узбекистан",
            "en": "Ministry of Justice of the Republic of Uzbekistan",
        },
    ),
)
OVERSEERS: Final = {"UZ": (OPEN_DATA_CENTRE, YOUTH_COUNCIL), "KZ": (FAIR_OVERSIGHT,)}

# What each conclusion ends as, in the order they are planned.
OUTCOMES: Final = (
    *["accepted"] * 5,
    *["partly_accepted"] * 2,
    *["rejected"] * 2,
    *["late"] * 3,
    *["overdue"] * 3,
    "overdue_acknowledged",
    "escalated",
    "withdrawn",
    "pending",
    "pending_extended",
)
FIRST_DAY: Final = date(2025, 12, 1)

_TEXTS: Final = {
    ("UZ", SubjectType.AWARD): (
        {
            "uz": "{id} boʻyicha hisobotlar eʼlon qilinmagan",
            "ru": "Отчёты по финансированию {id} не опубликованы",
        },
        {
            "uz": "Oraliq hisobot muddatida eʼlon qilinmagan; xarajatlar smetasi ochiq emas.",
            "ru": "Промежуточный отчёт не опубликован в срок; смета расходов закрыта.",
        },
        {
            "uz": "Hisobot va smetani portalda eʼlon qilish.",
            "ru": "Опубликовать отчёт и смету на портале.",
        },
    ),
    ("UZ", SubjectType.COMPETITION): (
        {
            "uz": "{id} tanlovida baholash mezonlari eʼlon qilinmagan",
            "ru": "Критерии оценки конкурса {id} не опубликованы",
        },
        {
            "uz": "Ekspert komissiyasi tarkibi va ballar jadvali eʼlon qilinmagan.",
            "ru": "Состав экспертной комиссии и таблица баллов не опубликованы.",
        },
        {
            "uz": "Komissiya tarkibi va har bir ariza ballarini eʼlon qilish.",
            "ru": "Опубликовать состав комиссии и баллы каждой заявки.",
        },
    ),
    ("UZ", SubjectType.FUNDER): (
        {
            "uz": "Ijtimoiy buyurtma natijalari monitoringi",
            "ru": "Мониторинг результатов социального заказа",
        },
        {
            "uz": "Yil davomida tuzilgan shartnomalarning uchdan biri boʻyicha yakuniy hisobot "
            "yoʻq.",
            "ru": "По трети заключённых за год договоров нет итоговых отчётов.",
        },
        None,
    ),
    ("KZ", SubjectType.AWARD): (
        {
            "kk": "{id} қаржыландыру бойынша есептер жарияланбаған",
            "ru": "Отчёты по финансированию {id} не опубликованы",
        },
        {
            "kk": "Аралық есеп мерзімінде жарияланбаған; шығындар сметасы ашық емес.",
            "ru": "Промежуточный отчёт не опубликован в срок; смета расходов закрыта.",
        },
        {
            "kk": "Есеп пен сметаны порталда жариялау.",
            "ru": "Опубликовать отчёт и смету на портале.",
        },
    ),
    ("KZ", SubjectType.COMPETITION): (
        {
            "kk": "{id} конкурсының бағалау өлшемдері жарияланбаған",
            "ru": "Критерии оценки конкурса {id} не опубликованы",
        },
        {
            "kk": "Сараптама комиссиясының құрамы мен балл кестесі жарияланбаған.",
            "ru": "Состав экспертной комиссии и таблица баллов не опубликованы.",
        },
        None,
    ),
    ("KZ", SubjectType.FUNDER): (
        {
            "kk": "Мемлекеттік әлеуметтік тапсырыс нәтижелерінің мониторингі",
            "ru": "Мониторинг результатов государственного социального заказа",
        },
        {
            "kk": "Бір жылда жасалған шарттардың үштен бірі бойынша қорытынды есеп жоқ.",
            "ru": "По трети заключённых за год договоров нет итоговых отчётов.",
        },
        None,
    ),
}
_ANSWERS: Final = {
    Decision.ACCEPTED: (
        {"uz": "Xulosa asosli deb topildi.", "kk": "Қорытынды негізді деп танылды."},
        {
            "uz": "Hisobotlar 10 kun ichida portalda eʼlon qilinadi.",
            "kk": "Есептер 10 күн ішінде порталда жарияланады.",
        },
    ),
    Decision.PARTLY_ACCEPTED: (
        {
            "uz": "Smeta tijorat sirini oʻz ichiga oladi; hisobot eʼlon qilinadi.",
            "kk": "Смета коммерциялық құпияны қамтиды; есеп жарияланады.",
        },
        {"uz": "Hisobot eʼlon qilinadi.", "kk": "Есеп жарияланады."},
    ),
    Decision.REJECTED: (
        {
            "uz": "Hisobot shartnomada belgilangan muddatda topshirilgan.",
            "kk": "Есеп шартта белгіленген мерзімде тапсырылған.",
        },
        None,
    ),
}


@dataclass
class _Subject:
    kind: SubjectType
    country: str
    funder: str
    day: date  # when it was published
    award: "_Award | None" = None
    competition: "_Competition | None" = None

    def id(self) -> str:
        if self.award is not None:
            return self.award.id
        if self.competition is not None:
            return self.competition.id
        return self.funder


class OversightPlan:
    """Adds the oversight organizations, keys and conclusions to the demo's plan."""

    def __init__(
        self,
        plan: "_Plan",
        op: Callable[[date, int, Callable[[Session], None]], None],
        *,
        rng: random.Random,
        today: date,
        answer_days: int,
        setup_rank: int,
        rank: int,
    ) -> None:
        self.plan = plan
        self.op = op
        self.rng = rng
        self.today = today
        self.answer_days = answer_days
        self.setup_rank = setup_rank
        self.rank = rank
        self.principals: dict[str, Principal] = {}
        self.events = 0  # entries after the submissions

    def add(self, register: Callable[[OrganizationCreate], None]) -> int:
        """Plan everything, registering organizations with ``register``; the number of
        conclusions."""
        for org_id, kind, region, name in ORGANIZATIONS:
            register(
                OrganizationCreate(
                    org_id=org_id,
                    name=LocalizedText.model_validate(name),
                    kind=kind,
                    region=region,
                )
            )
            role = Role.FUNDER if kind is OrganizationKind.STATE_BODY else Role.OVERSEER
            self.op(date.min, self.setup_rank, self._issue(org_id, role, name["en"]))
        subjects = self._subjects()
        for number, outcome in enumerate(OUTCOMES, start=1):
            self._conclusion(number, outcome, subjects)
        return len(OUTCOMES)

    def _issue(self, org_id: str, role: Role, label: str) -> Callable[[Session], None]:
        writer = self.plan.writer

        def issue(session: Session) -> None:
            issued = auth_service.create_key(
                session,
                actor=SYSTEM_ACTOR,
                role=role,
                organization_id=org_id,
                label=f"demo: {label}",
            )
            principal = Principal(role=role, key_prefix=issued.key.prefix, organization_id=org_id)
            if role is Role.FUNDER:
                writer.funders[org_id] = principal
            else:
                self.principals[org_id] = principal

        return issue

    def _subjects(self) -> list[_Subject]:
        subjects = [
            _Subject(
                SubjectType.AWARD,
                award.currency[:2],
                award.funder,
                award.published_on or award.award_date,  # a conclusion follows its publication
                award=award,
            )
            for award in self.plan.awards
        ]
        subjects += [
            _Subject(
                SubjectType.COMPETITION,
                competition.data.funder_id[:2],
                competition.data.funder_id,
                competition.data.window.opens.date(),
                competition=competition,
            )
            for competition in self.plan.competitions
        ]
        funders = {subject.funder: subject.country for subject in subjects}
        subjects += [
            _Subject(SubjectType.FUNDER, country, funder, FIRST_DAY)
            for funder, country in sorted(funders.items())
        ]
        return subjects

    def _conclusion(  # noqa: C901 - one branch per outcome, read top to bottom
        self, number: int, outcome: str, subjects: list[_Subject]
    ) -> None:
        country = "KZ" if number % 4 == 0 else "UZ"
        overseer = self.rng.choice(OVERSEERS[country])
        pending = outcome.startswith("pending")
        term = self.answer_days
        # Every offset follows the term, so each outcome is what it says for any term: a pending
        # one is submitted within the last half term (its acknowledgement and extension on the
        # day), the others early enough for a late answer (up to two terms and ten days) to
        # fall before today.
        last = self.today - timedelta(days=1 if pending else 2 * term + 20)
        first = last - timedelta(days=max(1, term // 2)) if pending else min(FIRST_DAY, last)
        kind = self.rng.choices(list(SubjectType), weights=(6, 3, 1))[0]

        def fits(subject: _Subject, kind: SubjectType) -> bool:
            return subject.country == country and subject.kind is kind and subject.day < last

        candidates = [subject for subject in subjects if fits(subject, kind)] or [
            subject for subject in subjects if fits(subject, SubjectType.FUNDER)
        ]
        subject = self.rng.choice(candidates)
        day = min(last, max(first, subject.day + timedelta(days=14)))
        day += timedelta(days=self.rng.randint(0, max(0, (last - day).days)))
        title, findings, recommendations = _TEXTS[(country, kind)]
        attachment = hashlib.sha256(f"demo oversight conclusion {number}".encode()).hexdigest()
        conclusion_id: list[str] = []

        def submit(session: Session) -> None:
            subject_id = subject.id()
            data = ConclusionCreate(
                overseer_id=overseer,
                addressed_to=subject.funder,
                subject=Subject(type=kind, id=subject_id),
                title=LocalizedText.model_validate(
                    {key: text.format(id=subject_id) for key, text in title.items()}
                ),
                findings=LocalizedText.model_validate(findings),
                recommendations=(
                    LocalizedText.model_validate(recommendations) if recommendations else None
                ),
                attachments=[
                    Attachment(
                        sha256=attachment,
                        size=self.rng.randint(20_000, 900_000),
                        name=f"conclusion-{number:02d}.pdf",
                        media_type="application/pdf",
                    )
                ],
            )
            written = oversight_service.submit(
                session,
                principal=self.principals[overseer],
                data=data,
                answer_days=self.answer_days,
            )
            conclusion_id.append(written.id)

        self.op(day, self.rank, submit)
        body = self.plan.writer.funders
        local = "kk" if country == "KZ" else "uz"

        def event(when: date, make: Callable[[], ConclusionEventCreate], by: str) -> None:
            self.events += 1

            def run(session: Session) -> None:
                principal = body[by] if by in body else self.principals[by]
                oversight_service.add_event(
                    session,
                    principal=principal,
                    conclusion_id=conclusion_id[0],
                    event=make(),
                    answer_days=self.answer_days,
                )

            self.op(when, self.rank, run)

        def answer(decision: Decision, when: date, by: str = subject.funder) -> None:
            reasons, measures = _ANSWERS[decision]
            event(
                when,
                lambda: Answered(
                    type="answered",
                    decision=decision,
                    reasons=LocalizedText.model_validate({local: reasons[local]}),
                    measures=(
                        LocalizedText.model_validate({local: measures[local]}) if measures else None
                    ),
                ),
                by,
            )

        waited = 0 if pending else self.rng.randint(1, min(6, max(1, term // 4)))
        acknowledge = day + timedelta(days=waited)
        if outcome != "pending":
            event(acknowledge, lambda: Acknowledged(type="acknowledged"), subject.funder)
        if outcome in ("accepted", "partly_accepted", "rejected"):
            on_time = self.rng.randint(waited, max(waited, term - 1))
            answer(Decision(outcome), day + timedelta(days=on_time))
        elif outcome == "late":
            days = self.rng.randint(term + 2, 2 * term + 10)
            answer(self.rng.choice(list(Decision)), day + timedelta(days=days))
        elif outcome == "escalated":
            event(
                day + timedelta(days=term + 3),
                lambda: Escalated(
                    type="escalated",
                    to=JUSTICE_MINISTRY,
                    reason="Javob muddati oʻtdi; xulosa koʻrib chiqilmadi.",
                ),
                overseer,
            )
            later = day + timedelta(days=term + 3 + max(1, term // 2))
            answer(Decision.ACCEPTED, later, JUSTICE_MINISTRY)
        elif outcome == "withdrawn":
            event(
                acknowledge + timedelta(days=1),
                lambda: Withdrawn(
                    type="withdrawn", reason="Masala muzokaralar orqali hal qilindi."
                ),
                overseer,
            )
        elif outcome == "pending_extended":
            event(
                acknowledge,
                lambda: Extended(
                    type="extended",
                    days=max(1, term // 2),
                    reason="Qoʻshimcha hujjatlar soʻralgan.",
                ),
                subject.funder,
            )
