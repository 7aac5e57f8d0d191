"""Crisis plans: warning signs, who to call first, emergency numbers, naloxone; signed."""
from __future__ import annotations

from sqlalchemy import func, select

from services.people import access
from shared import emergency_numbers
from services.people.models import Contact, CrisisPlan, Organisation, Person
from shared.auth import Principal
from shared.db.uow import UnitOfWork
from shared.errors import Invalid, NotFound


def draft(uow: UnitOfWork, principal: Principal, person_id: str, body: dict) -> CrisisPlan:
    """A new version of the plan, unsigned until the person signs it."""
    person = access.require_visible(uow, principal, person_id)
    _check_call_first(uow, person, body["call_first"])
    latest_version = uow.session.scalar(select(func.max(CrisisPlan.version)).where(CrisisPlan.person_id == person.id))
    plan = CrisisPlan(person_id=person.id, organisation_id=person.organisation_id, version=(latest_version or 0) + 1,
                      created_by=principal.subject, created_at=uow.clock.now(), **body)
    uow.session.add(plan)
    uow.commit()
    return plan


def sign(uow: UnitOfWork, principal: Principal, person_id: str, typed_name: str) -> CrisisPlan:
    person = access.require_visible(uow, principal, person_id)
    plan = latest(uow, person.id)
    if plan is None:
        raise NotFound("There is no crisis plan to sign yet.")
    if plan.signed_at is not None:
        raise Invalid("The latest version is already signed; draft a new version to change it.", "version")
    if not typed_name.strip():
        raise Invalid("Type the signer's name.", "typed_name")
    plan.signed_by, plan.signed_at, plan.signed_via = typed_name.strip(), uow.clock.now(), principal.subject
    uow.publish("circles.people.crisis_plan.signed.v1", {
        "person_id": person.id, "organisation_id": person.organisation_id, "version": plan.version,
        "region": person.region, "call_first": [{"order": n, **entry} for n, entry in enumerate(plan.call_first, 1)],
        "signed_at": plan.signed_at}, subject=person.id)
    uow.commit()
    return plan


def view(uow: UnitOfWork, principal: Principal, person_id: str, purpose: str) -> dict:
    """The plan in force (latest signed) and any newer draft, with the region's numbers."""
    person = access.require_visible(uow, principal, person_id)
    access.audit_reads(uow, principal, [person.id], "read", "crisis_plan", purpose)
    uow.commit()
    names = {c.id: c for c in uow.session.scalars(select(Contact).where(Contact.person_id == person.id))}
    return {"person": person, "signed": latest_signed(uow, person.id), "draft": _unsigned_latest(uow, person.id),
            "contacts": names, "emergency_numbers": numbers_for(uow, person)}


def versions(uow: UnitOfWork, principal: Principal, person_id: str) -> list[CrisisPlan]:
    person = access.require_visible(uow, principal, person_id)
    return list(uow.session.scalars(select(CrisisPlan).where(CrisisPlan.person_id == person.id)
                                    .order_by(CrisisPlan.version.desc())))


def numbers_for(uow: UnitOfWork, person: Person) -> tuple:
    organisation = uow.session.get(Organisation, person.organisation_id)
    extra = {region: [emergency_numbers.EmergencyNumber(**n) for n in numbers]
             for region, numbers in (organisation.emergency_numbers if organisation else {}).items()}
    try:
        return emergency_numbers.numbers_for(person.region, extra)
    except emergency_numbers.UnknownRegion as exc:
        raise Invalid(f"{exc} Configure numbers for this region before relying on the plan.", "region") from exc


def latest(uow: UnitOfWork, person_id: str) -> CrisisPlan | None:
    return uow.session.scalars(select(CrisisPlan).where(CrisisPlan.person_id == person_id)
                               .order_by(CrisisPlan.version.desc()).limit(1)).first()


def latest_signed(uow: UnitOfWork, person_id: str) -> CrisisPlan | None:
    return uow.session.scalars(select(CrisisPlan).where(CrisisPlan.person_id == person_id,
                                                        CrisisPlan.signed_at.is_not(None))
                               .order_by(CrisisPlan.version.desc()).limit(1)).first()


def _unsigned_latest(uow: UnitOfWork, person_id: str) -> CrisisPlan | None:
    plan = latest(uow, person_id)
    return plan if plan is not None and plan.signed_at is None else None


def _check_call_first(uow: UnitOfWork, person: Person, call_first: list[dict]) -> None:
    network = set(uow.session.scalars(select(Contact.id).where(Contact.person_id == person.id,
                                                               Contact.removed_at.is_(None))))
    strangers = [entry["contact_id"] for entry in call_first if entry["contact_id"] not in network]
    if strangers:
        raise Invalid("Everyone to call first must be on the person's network map.", "call_first")

