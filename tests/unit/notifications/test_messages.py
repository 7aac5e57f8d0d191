"""Message templates: every kind renders, SMS fit, consent and language rules hold."""
import re

import jinja2
import pytest
from jinja2 import meta

from services.notifications import messages
from services.notifications.messages import KINDS, TEMPLATES_DIR, render, samples

RISK_WORDS = ("relapse", "suicid", "overdose", "violence", "housing", "return to use",
              "sobredosis", "violencia", "vivienda", "consumo")
SUBSTANCE_WORDS = ("alcohol", "drink", "drug", "opioid", "heroin", "cocaine", "methadone",
                   "substance", "naloxone", "sustancia", "droga")
STIGMA_WORDS = ("addict", "junkie", "clean", "dirty", "abuser", "user of drugs", "alcoholic")
GUIDE_SCRIPTS = {
    "script.invite_to_network": "I'm working on a plan to support Sam in making some big changes. "
                                "Your support would really help — would you be willing to be on a short "
                                "list of people we can contact for a phone call or a short check-in?",
    "script.family_boundary": "I love you and want to help, but when you lend money it makes it harder "
                              "for Sam to meet goals. Can we agree to come to a family session with us instead?",
    "script.encourage_attendance": "There's a friendly meeting on Tuesday at 7pm. I'll go with you and "
                                   "we can leave whenever you want.",
}


def every_template():
    return [pytest.param(kind, channel, locale, context, id=f"{kind}-{channel}-{locale}-{number}")
            for kind in KINDS
            for channel, locales in messages.available(kind).items()
            for locale in locales
            for number, context in enumerate(samples(kind))]


def template_files():
    return sorted(p for p in TEMPLATES_DIR.rglob("*.txt"))


@pytest.mark.parametrize("kind, channel, locale, context", every_template())
def test_every_kind_channel_and_locale_renders_its_sample(kind, channel, locale, context):
    rendered = render(kind, channel, locale, context)
    assert rendered.locale == locale and rendered.body
    assert "{{" not in rendered.body and "None" not in rendered.body
    if channel == "sms":
        assert rendered.subject == "" and len(rendered.body) <= messages.SMS_LIMIT
    else:
        assert rendered.subject and "\n" not in rendered.subject


@pytest.mark.parametrize("kind", KINDS)
def test_every_declared_channel_has_an_english_template(kind):
    assert all("en" in locales for locales in messages.available(kind).values())
    assert set(messages.available(kind)) == set(KINDS[kind].channels)


def test_no_template_file_is_orphaned():
    for path in template_files():
        if path.name.startswith("_"):
            continue
        kind, channel = path.name.removesuffix(".txt").rsplit(".", 1)
        assert kind in KINDS and channel in KINDS[kind].channels, path


@pytest.mark.parametrize("path", template_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_templates_use_only_the_fields_the_registry_declares(path):
    if path.name.startswith("_"):
        return
    kind = path.name.rsplit(".", 2)[0]
    used = meta.find_undeclared_variables(messages.environment().parse(path.read_text()))
    assert used <= set(KINDS[kind].fields) | set(KINDS[kind].optional)


@pytest.mark.parametrize("path", template_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_uses_stigmatising_words(path):
    text = path.read_text().lower()
    assert [word for word in STIGMA_WORDS if word in text] == []


@pytest.mark.parametrize("kind, channel, locale", [
    (kind, channel, locale)
    for kind in ("checkin.missed.supporter", "risk.flagged.crisis")
    for channel, locales in messages.available(kind).items() for locale in locales])
def test_supporter_and_non_staff_crisis_messages_carry_no_risk_or_substance(kind, channel, locale):
    # Even if a caller hands over the flag kinds, only for_staff=True may show them.
    context = {**KINDS[kind].sample, "flag_kinds": ["relapse", "suicidal_thoughts", "overdose_risk",
                                                    "unsafe_housing", "violence"]}
    rendered = render(kind, channel, locale, context)
    text = f"{rendered.subject}\n{rendered.body}".lower()
    assert [w for w in RISK_WORDS + SUBSTANCE_WORDS if w in text] == []


def test_the_supporter_sms_is_the_bare_minimum():
    assert render("checkin.missed.supporter", "sms", "en", {"person_name": "Sam"}).body == \
        "Sam missed their check-in today."


@pytest.mark.parametrize("channel", KINDS["risk.flagged.crisis"].channels)
@pytest.mark.parametrize("for_staff", [False, True])
def test_the_crisis_message_always_carries_every_emergency_number(channel, for_staff):
    numbers = [{"label": "Emergency services", "number": "911"},
               {"label": "SAMHSA National Helpline", "number": "1-800-662-HELP (4357)"},
               {"label": "988 Suicide & Crisis Lifeline", "number": "988"}]
    body = render("risk.flagged.crisis", channel, "en",
                  {"person_name": "Sam", "emergency_numbers": numbers, "for_staff": for_staff}).body
    assert "Sam may need support now; please call them" in body
    for entry in numbers:
        assert f"{entry['label']}: {entry['number']}" in body


def test_staff_crisis_messages_name_the_flags_person_first():
    body = render("risk.flagged.crisis", "email", "en", samples("risk.flagged.crisis")[1]).body
    assert "Flagged: overdose risk, possible return to use." in body and "relapse" not in body


def test_a_crisis_message_without_emergency_numbers_is_refused():
    with pytest.raises(messages.MissingContext) as caught:
        render("risk.flagged.crisis", "sms", "en", {"person_name": "Sam", "emergency_numbers": []})
    assert caught.value.field == "emergency_numbers"


@pytest.mark.parametrize("asked, used", [("es-US", "es"), ("es_us", "es"), ("es", "es"), ("fr", "en"),
                                         ("fr-CA", "en"), ("en-GB", "en")])
def test_locale_falls_back_to_the_language_then_english(asked, used):
    rendered = render("checkin.missed.supporter", "sms", asked, {"person_name": "Sam"})
    assert rendered.locale == used
    assert rendered.body == {"es": "Sam no acudió hoy a su sesión de seguimiento.",
                             "en": "Sam missed their check-in today."}[used]


def test_a_channel_spanish_lacks_falls_back_to_english():
    assert render("checkin.missed.supporter", "inbox", "es", {"person_name": "Sam"}).locale == "en"
    assert messages.available("checkin.missed.supporter") == {"email": ["en", "es"], "sms": ["en", "es"],
                                                               "inbox": ["en"]}


@pytest.mark.parametrize("locale", ["../en", "en/../../x", "", "e"])
def test_a_malformed_locale_is_invalid(locale):
    with pytest.raises(messages.Invalid) as caught:
        render("checkin.missed.supporter", "sms", locale, {"person_name": "Sam"})
    assert caught.value.field == "locale"


def test_a_missing_or_null_field_is_named():
    for context in ({}, {"person_name": None}):
        with pytest.raises(messages.MissingContext) as caught:
            render("checkin.missed.supporter", "email", "en", context)
        assert caught.value.field == "person_name"


def test_strict_undefined_catches_a_malformed_nested_value():
    context = {**KINDS["plan_task.overdue"].sample, "task_code": "no-such-task"}
    with pytest.raises(messages.MissingContext, match="no-such-task"):
        render("plan_task.overdue", "email", "en", context)


def test_an_sms_over_320_characters_is_refused():
    with pytest.raises(messages.MessageTooLong, match="320") as caught:
        render("checkin.missed.supporter", "sms", "en", {"person_name": "S" * 300})
    assert caught.value.field == "context"


@pytest.mark.parametrize("kind, channel", [("no.such.kind", "email"), ("checkin.missed.person", "fax"),
                                           ("invitation.sent", "sms"), ("checkin.missed.person", "webhook")])
def test_unknown_kinds_and_channels_are_not_found(kind, channel):
    with pytest.raises(messages.UnknownTemplate):
        render(kind, channel, "en", {})


def test_lead_must_be_24_hours_or_1_hour():
    with pytest.raises(messages.Invalid) as caught:
        render("session.upcoming", "sms", "en", {**KINDS["session.upcoming"].sample, "lead": "PT2H"})
    assert caught.value.field == "lead"


def test_the_digest_sms_counts_what_it_cannot_show():
    lines = [f"Line {n}." for n in range(1, 6)]
    body = render("digest", "sms", "en", {"count": 7, "since": "09:00", "lines": lines}).body
    assert body == "7 updates since 09:00: Line 1. Line 2. Line 3. (+4 more)"


@pytest.mark.parametrize("kind", GUIDE_SCRIPTS)
@pytest.mark.parametrize("channel", ["email", "sms", "inbox"])
def test_the_scripts_use_the_guides_words(kind, channel):
    body = render(kind, channel, "en", KINDS[kind].sample).body
    assert GUIDE_SCRIPTS[kind] in body


def test_the_overdue_action_item_never_carries_the_items_text():
    context = {**KINDS["action_item.overdue"].sample, "what": "Ring the housing officer"}
    rendered = render("action_item.overdue", "email", "en", context)
    assert rendered.body.startswith("An action item for Sam is overdue since 4 March 2026.")
    assert "housing" not in rendered.body


def test_templates_are_plain_text_not_escaped():
    body = render("checkin.missed.supporter", "sms", "en", {"person_name": "Sam & <Jo>"}).body
    assert body.startswith("Sam & <Jo> missed")


def test_a_template_without_a_subject_line_is_a_template_error(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "checkin.missed.supporter.email.txt").write_text("{{ person_name }} missed.\n")
    monkeypatch.setattr(messages, "TEMPLATES_DIR", tmp_path)
    monkeypatch.setattr(messages, "environment", lambda: jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(tmp_path)), undefined=jinja2.StrictUndefined))
    with pytest.raises(jinja2.TemplateError, match=re.escape("Subject:")):
        render("checkin.missed.supporter", "email", "en", {"person_name": "Sam"})
