"""The access table: for every operation of every service, who may call it.

This is the specification the authorization matrix (test_authorization_matrix.py) checks
every OpenAPI operation against. It is written from the README (each service's roles and
access rules) and from the code's `require_roles` decorators and use-case checks. A new
endpoint fails the matrix until it is classified here.

Principals (tokens of organisation A unless named otherwise). Each service's matrix world
seeds organisation A with two persons in recovery: P (the target of every person-scoped
call, at the hub site) and Q (at the café site, with their own care team):

    admin                    an admin of organisation A (organisation-wide)
    coordinator              a coordinator whose token has no site list (organisation-wide)
    coordinator[hub]         a coordinator of P's site
    coordinator[cafe]        a coordinator of the other site only
    peer_worker              P's assigned peer worker
    peer_worker[unassigned]  a peer worker of the hub, not assigned to P
    clinician                P's clinical lead
    clinician[unassigned]    a clinician of the hub, not P's clinical lead
    participant              P themself (person claim = P)
    participant[other]       Q (person claim = Q)
    supporter                a network contact of P with a login (contact claim), whom
                             P's signed consent lets see some data classes
    operator                 an operator of organisation A (no personal data)
    admin[org B]             an admin of ANOTHER organisation

plus three callers without a valid token: no token, a garbage token and a well-formed
admin token signed with another secret. Those get 401 problem+json on every operation
that is not public.

An entry names the principals that are allowed (they must never get 401/403/404 or a 5xx)
and the principals for which the service hides the record's existence (404); every other
principal gets 403. For the other organisation's admin the table says 404 where the
operation names one of organisation A's records, and "allowed" where it works on the
caller's own organisation (a collection, a setting): the matrix then checks that no id of
organisation A appears in the answer. Public operations answer everyone, token or not.
"""
from __future__ import annotations

import dataclasses

ADMIN = "admin"
COORDINATOR = "coordinator"
COORDINATOR_HUB = "coordinator[hub]"
COORDINATOR_CAFE = "coordinator[cafe]"
PEER_WORKER = "peer_worker"
PEER_WORKER_OTHER = "peer_worker[unassigned]"
CLINICIAN = "clinician"
CLINICIAN_OTHER = "clinician[unassigned]"
PARTICIPANT = "participant"
PARTICIPANT_OTHER = "participant[other]"
SUPPORTER = "supporter"
OPERATOR = "operator"
OTHER_ORG_ADMIN = "admin[org B]"

NO_TOKEN = "no token"
GARBAGE_TOKEN = "garbage token"
FORGED_TOKEN = "forged token"
UNAUTHENTICATED = (NO_TOKEN, GARBAGE_TOKEN, FORGED_TOKEN)

PRINCIPALS = (ADMIN, COORDINATOR, COORDINATOR_HUB, COORDINATOR_CAFE, PEER_WORKER, PEER_WORKER_OTHER, CLINICIAN,
              CLINICIAN_OTHER, PARTICIPANT, PARTICIPANT_OTHER, SUPPORTER, OPERATOR, OTHER_ORG_ADMIN)
EVERYONE = (*UNAUTHENTICATED, *PRINCIPALS)

# The staff who may see P: the organisation, P's site, P's assigned workers.
CARE_TEAM = frozenset({ADMIN, COORDINATOR, COORDINATOR_HUB, PEER_WORKER, CLINICIAN})
# Staff of organisation A for whom P is outside their sites or caseload.
OTHER_STAFF = frozenset({COORDINATOR_CAFE, PEER_WORKER_OTHER, CLINICIAN_OTHER})
STAFF = CARE_TEAM | OTHER_STAFF
COORDINATORS = frozenset({COORDINATOR, COORDINATOR_HUB, COORDINATOR_CAFE})
# Whoever may edit what belongs to P's site (the hub).
HUB_MANAGERS = frozenset({ADMIN, COORDINATOR, COORDINATOR_HUB})
ORG_A_PRINCIPALS = frozenset(PRINCIPALS) - {OTHER_ORG_ADMIN}
ALLOWED = "allowed"


@dataclasses.dataclass(frozen=True)
class Access:
    allowed: frozenset = frozenset()
    hidden: frozenset = frozenset()  # these get 404: the service does not reveal that the record exists
    public: bool = False
    # The answer is public by design (the open directory; a feed behind a secret URL), so
    # it may carry organisation A's ids whoever asks.
    public_data: bool = False
    note: str = ""

    def __post_init__(self):
        unknown = (self.allowed | self.hidden) - set(PRINCIPALS)
        assert not unknown, f"unknown principals {unknown}"
        assert not self.allowed & self.hidden, f"both allowed and hidden: {self.allowed & self.hidden}"

    def expected(self, principal: str):
        """ALLOWED, 401, 403 or 404."""
        if self.public:
            return ALLOWED
        if principal in UNAUTHENTICATED:
            return 401
        if principal in self.allowed:
            return ALLOWED
        return 404 if principal in self.hidden else 403


def public(note: str = "", data: bool = False) -> Access:
    return Access(allowed=frozenset(PRINCIPALS), public=True, public_data=data, note=note)


def roles(*allowed, hidden=(), note: str = "") -> Access:
    """Role-gated: the named principals are allowed, `hidden` get 404, everyone else 403."""
    flat = set()
    for item in allowed:
        flat |= set(item) if isinstance(item, (set, frozenset, tuple, list)) else {item}
    return Access(allowed=frozenset(flat), hidden=frozenset(hidden), note=note)


def person_record(*allowed, refused=(), note: str = "") -> Access:
    """One of P's records where visibility is checked first (people service): whoever
    cannot see P gets 404; `refused` can see P but not do this (403)."""
    access = roles(*allowed, note=note)
    return Access(allowed=access.allowed, hidden=frozenset(PRINCIPALS) - access.allowed - set(refused), note=note)


def staff_person_record(*allowed, note: str = "") -> Access:
    """One of P's records behind a role check first (check-ins, notifications, reporting):
    roles outside the check get 403, staff (and participants, where the role check lets
    them in) who cannot see P get 404, and so does the other organisation's admin."""
    access = roles(*allowed, note=note)
    role_ok = STAFF | {OTHER_ORG_ADMIN} | ({PARTICIPANT, PARTICIPANT_OTHER} if PARTICIPANT in access.allowed else set())
    return Access(allowed=access.allowed, hidden=frozenset(role_ok - access.allowed), note=note)


SELF_AND_CARE_TEAM = CARE_TEAM | {PARTICIPANT}


def only_requesters(note: str = "") -> Access:
    """A subject-access request: the person and the organisation's admins; for everyone
    else it does not exist."""
    return Access(allowed=frozenset({ADMIN, PARTICIPANT}), hidden=frozenset(PRINCIPALS) - {ADMIN, PARTICIPANT},
                  note=note)
STAFF_EVERYWHERE = STAFF | {OTHER_ORG_ADMIN}
MANAGERS_EVERYWHERE = {ADMIN, *COORDINATORS, OTHER_ORG_ADMIN}
ADMINS_EVERYWHERE = {ADMIN, OTHER_ORG_ADMIN}

OPS = {
    ("GET", "/healthz"): public("liveness"),
    ("GET", "/readyz"): public("readiness"),
    ("GET", "/metrics"): public("Prometheus exposition"),
}


def _service(entries: dict) -> dict:
    return {**OPS, **entries}


ACCESS: dict[str, dict[tuple[str, str], Access]] = {
    # ---------------------------------------------------------------------------------------
    # people: README "Access rules": a participant sees their own record; a peer worker or
    # clinician the persons assigned to them; a coordinator the persons at their sites; an
    # admin the organisation; an operator no personal data; another organisation's person
    # answers 404; supporters only through the consent-gated view (/shared-with-me).
    "people": _service({
        ("POST", "/auth/token"): public("email + password; answers with a token for that account", data=True),
        ("POST", "/invitations/accept"): public("the invitation token is the credential", data=True),
        ("GET", "/organisation"): roles(PRINCIPALS, note="everyone reads their own organisation"),
        ("PATCH", "/organisation"): roles(ADMINS_EVERYWHERE, note="admins change their own organisation"),
        ("GET", "/sites"): roles(PRINCIPALS, note="site names are not personal data; own organisation's"),
        ("POST", "/sites"): roles(ADMINS_EVERYWHERE),
        ("GET", "/staff"): roles(MANAGERS_EVERYWHERE, note="admins and coordinators"),
        ("POST", "/staff"): roles(ADMINS_EVERYWHERE),
        ("GET", "/persons"): roles(PRINCIPALS, note="everyone gets the persons they may see (possibly none)"),
        ("POST", "/persons"): roles(
            ADMIN, COORDINATORS, PEER_WORKER, PEER_WORKER_OTHER, OTHER_ORG_ADMIN,
            note="admins, coordinators and peer workers register (the body names the hub: coordinator[cafe] "
                 "gets 422, another site's registration is not theirs)"),
        ("GET", "/persons/{person_id}"): person_record(SELF_AND_CARE_TEAM),
        ("PATCH", "/persons/{person_id}"): person_record(SELF_AND_CARE_TEAM, note="the participant changes goals"),
        ("GET", "/persons/{person_id}/status"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/status"): person_record(CARE_TEAM, refused={PARTICIPANT}),
        ("PUT", "/persons/{person_id}/peer-worker"): person_record(
            HUB_MANAGERS, refused={PEER_WORKER, CLINICIAN, PARTICIPANT}, note="admins and coordinators assign"),
        ("PUT", "/persons/{person_id}/clinical-lead"): person_record(
            HUB_MANAGERS, refused={PEER_WORKER, CLINICIAN, PARTICIPANT}),
        ("POST", "/persons/{person_id}/invitations"): person_record(CARE_TEAM, refused={PARTICIPANT}),
        ("GET", "/persons/{person_id}/contacts"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/contacts"): person_record(SELF_AND_CARE_TEAM),
        ("PATCH", "/persons/{person_id}/contacts/{contact_id}"): person_record(SELF_AND_CARE_TEAM),
        ("DELETE", "/persons/{person_id}/contacts/{contact_id}"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/network-health"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/network-map.svg"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/consents"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/consents"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/consents/{consent_id}/versions"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/consents/{consent_id}/sign"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/consents/{consent_id}/revoke"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/consent-decision"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/disclosures"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/disclosures"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/shared-with-me"): person_record(
            SUPPORTER, note="only what an active consent shares with the caller; nothing shared: 404 "
                            "(P's consent names the supporter's contact, not the care team)"),
        ("GET", "/persons/{person_id}/assessments"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/assessments"): person_record(CARE_TEAM, refused={PARTICIPANT}),
        ("GET", "/persons/{person_id}/crisis-plan"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/crisis-plan"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/crisis-plan/sign"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/crisis-plan/versions"): person_record(SELF_AND_CARE_TEAM),
        ("GET", "/persons/{person_id}/crisis-plan/print"): person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/subject-access"): roles(
            ADMIN, PARTICIPANT, hidden={PARTICIPANT_OTHER, OTHER_ORG_ADMIN},
            note="the person or an admin asks for the person's data; other roles 403"),
        ("GET", "/subject-access/{request_id}"): only_requesters(),
        ("GET", "/subject-access/{request_id}/bundle"): only_requesters("409 until every service answered"),
        ("GET", "/subject-access/{request_id}/bundle.html"): only_requesters("409 until every service answered"),
        ("POST", "/persons/{person_id}/erasure"): roles(
            ADMIN, hidden={OTHER_ORG_ADMIN}, note="admins only; the matrix's body has an exemption apply, "
                                                  "so the request is recorded as refused and P stays"),
        ("GET", "/erasures/{erasure_id}"): Access(allowed=frozenset({ADMIN}),
                                                 hidden=frozenset(PRINCIPALS) - {ADMIN}),
    }),
    # ---------------------------------------------------------------------------------------
    # checkins: staff with a caseload (require_roles), then the people rules on the read
    # model; a participant only where the code lets them in (their attendances, their
    # calendar link). Anyone else's person answers 404.
    "checkins": _service({
        ("GET", "/calendars/{token}.ics"): public("the secret feed URL is the credential", data=True),
        ("GET", "/checkins"): roles(STAFF_EVERYWHERE, note="the check-ins of persons the caller may see"),
        ("POST", "/checkins"): staff_person_record(CARE_TEAM, note="the body names P"),
        ("GET", "/checkins/{checkin_id}"): staff_person_record(CARE_TEAM),
        ("GET", "/rhythms"): staff_person_record(CARE_TEAM, note="?person_id=P is required"),
        ("POST", "/rhythms"): staff_person_record(CARE_TEAM, note="the body names P"),
        ("GET", "/rhythms/{rhythm_id}"): staff_person_record(CARE_TEAM),
        ("PATCH", "/rhythms/{rhythm_id}"): staff_person_record(CARE_TEAM),
        ("GET", "/sessions"): roles(STAFF_EVERYWHERE),
        ("GET", "/sessions/{session_id}"): staff_person_record(CARE_TEAM),
        ("POST", "/sessions/{session_id}/reschedule"): staff_person_record(CARE_TEAM),
        ("POST", "/sessions/{session_id}/cancel"): staff_person_record(CARE_TEAM),
        ("GET", "/persons/{person_id}/reviews"): staff_person_record(CARE_TEAM),
        ("POST", "/persons/{person_id}/reviews"): staff_person_record(CARE_TEAM),
        ("GET", "/persons/{person_id}/attendances"): staff_person_record(SELF_AND_CARE_TEAM),
        ("POST", "/persons/{person_id}/attendances"): staff_person_record(
            SELF_AND_CARE_TEAM, note="the person may record their own"),
        ("POST", "/persons/{person_id}/action-items"): staff_person_record(CARE_TEAM),
        ("GET", "/action-items"): roles(STAFF_EVERYWHERE),
        ("PATCH", "/action-items/{item_id}"): staff_person_record(CARE_TEAM),
        ("GET", "/persons/{person_id}/starter-plan"): staff_person_record(CARE_TEAM),
        ("POST", "/persons/{person_id}/starter-plan"): staff_person_record(CARE_TEAM),
        ("PATCH", "/plan-tasks/{task_id}"): staff_person_record(CARE_TEAM),
        ("GET", "/settings"): roles(MANAGERS_EVERYWHERE, note="admins and coordinators read"),
        ("PUT", "/settings"): roles(ADMINS_EVERYWHERE, note="admins change"),
        ("POST", "/persons/{person_id}/self-checkin-links"): staff_person_record(CARE_TEAM),
        ("POST", "/persons/{person_id}/calendar-token"): staff_person_record(
            SELF_AND_CARE_TEAM, note="the person's care team or the person"),
        ("POST", "/staff/me/calendar-token"): roles(STAFF_EVERYWHERE, note="staff, for their own caseload"),
    }),
    # ---------------------------------------------------------------------------------------
    # notifications: the inbox for staff, operators and persons (their own messages); the
    # delivery log for the person's care team; rules for admins (coordinators read them);
    # a recipient's preferences by the recipient, or an admin or coordinator.
    "notifications": _service({
        ("GET", "/inbox"): roles(STAFF_EVERYWHERE, OPERATOR, PARTICIPANT, PARTICIPANT_OTHER,
                                 note="the caller's own messages"),
        ("POST", "/inbox/{item_id}/read"): roles(
            PEER_WORKER, hidden=(STAFF_EVERYWHERE | {OPERATOR, PARTICIPANT, PARTICIPANT_OTHER}) - {PEER_WORKER},
            note="the message is the peer worker's own; anyone else's message answers 404"),
        ("GET", "/persons/{person_id}/deliveries"): staff_person_record(CARE_TEAM),
        ("GET", "/rules"): roles(MANAGERS_EVERYWHERE),
        ("PUT", "/rules"): roles(ADMINS_EVERYWHERE),
        ("PUT", "/recipients/{kind}/{recipient_id}/preferences"): roles(
            ADMIN, COORDINATOR, COORDINATOR_HUB, PARTICIPANT,
            # BUG: coordinator[cafe] may change the quiet hours of P, a person at a site
            # outside their token's sites (set_preferences checks only the organisation);
            # "coordinators see the persons at their sites", so P must answer 404 as it
            # does everywhere else for them.
            hidden={OTHER_ORG_ADMIN, COORDINATOR_CAFE},
            note="kind=person, recipient P: P themself, or an admin or coordinator who may see P"),
        ("GET", "/templates"): roles(STAFF_EVERYWHERE),
        ("POST", "/templates/preview"): roles(STAFF_EVERYWHERE),
    }),
    # ---------------------------------------------------------------------------------------
    # resources: a public directory; admins and coordinators of the owning organisation
    # (and site) edit it.
    "resources": _service({
        # BUG (OpenAPI only): the next six operations are public in the code and the
        # README but their OpenAPI operations do not say `security: []`, so the document
        # claims they need a bearer token (see test_openapi_marks_exactly_the_public_operations).
        ("GET", "/listings"): public("the directory search", data=True),
        ("GET", "/listings/{listing_id}"): public("one listing", data=True),
        ("GET", "/meeting-guide.json"): public("the Meeting Guide feed", data=True),
        ("GET", "/hsds/"): public("HSDS root", data=True),
        ("GET", "/hsds/services"): public("HSDS services", data=True),
        ("GET", "/hsds/services/{service_id}"): public("one HSDS service", data=True),
        ("GET", "/calendar.ics"): public("the directory calendar", data=True),
        ("GET", "/listings.csv"): public("the directory as CSV", data=True),
        ("POST", "/listings"): roles(HUB_MANAGERS, OTHER_ORG_ADMIN,
                                     note="the body names the hub site: coordinator[cafe] gets 403"),
        ("PUT", "/listings/{listing_id}"): roles(HUB_MANAGERS, hidden={OTHER_ORG_ADMIN},
                                                 note="a hub listing: coordinator[cafe] gets 403"),
        ("POST", "/listings/{listing_id}/retire"): roles(HUB_MANAGERS, hidden={OTHER_ORG_ADMIN}),
        # BUG: a coordinator limited to some sites may import a Meeting Guide feed for the
        # organisation (no site_id) and it updates and retires the meetings of the OTHER
        # sites too (import_feed never checks an existing listing's site, unlike the CSV
        # import). Allowed to import, but the matrix's write-isolation check requires
        # that another site's listings stay as they were.
        ("POST", "/imports/meeting-guide"): roles(MANAGERS_EVERYWHERE,
                                                  note="feed without site_id; other sites' listings must not change"),
        ("POST", "/imports/csv"): roles(MANAGERS_EVERYWHERE, note="rows of other sites' listings are rejected"),
    }),
    # ---------------------------------------------------------------------------------------
    # reporting: KPIs for admins and coordinators (their sites); a person's timeline for
    # the staff who may see them, anyone else 404; thresholds for admins and coordinators
    # (their sites).
    "reporting": _service({
        ("GET", "/kpis"): roles(MANAGERS_EVERYWHERE),
        ("GET", "/kpis/export.csv"): roles(MANAGERS_EVERYWHERE),
        ("GET", "/kpis/sites"): roles(MANAGERS_EVERYWHERE),
        ("GET", "/kpis/definitions"): roles(MANAGERS_EVERYWHERE),
        ("GET", "/persons/{person_id}/timeline"): staff_person_record(CARE_TEAM),
        ("GET", "/thresholds"): roles(MANAGERS_EVERYWHERE),
        ("POST", "/thresholds"): roles(HUB_MANAGERS, OTHER_ORG_ADMIN,
                                       note="a hub threshold: coordinator[cafe] gets 403"),
        ("DELETE", "/thresholds/{threshold_id}"): roles(HUB_MANAGERS, hidden={OTHER_ORG_ADMIN},
                                                        note="a hub threshold: coordinator[cafe] gets 403"),
    }),
}
