"""Render a message of a kind for a channel and locale from the template files.

Templates live in `message_templates/<locale>/<kind>.<channel>.txt`. The first line of an
email, webhook or inbox template is `Subject: ...`; SMS templates have no subject and must
render to at most 320 characters (two SMS segments). A missing locale falls back from the
exact tag (es-US) to its language (es) and then to English.
"""
from __future__ import annotations

import dataclasses
import functools
import pathlib
import re

import jinja2

from services.notifications.message_kinds import KINDS, KindSpec, samples
from shared.errors import Invalid, NotFound

__all__ = ["KINDS", "Rendered", "render", "available", "samples", "resolve_locale",
           "UnknownTemplate", "MissingContext", "MessageTooLong", "SMS_LIMIT"]

TEMPLATES_DIR = pathlib.Path(__file__).with_name("message_templates")
CHANNELS = ("email", "sms", "webhook", "inbox")
DEFAULT_LOCALE = "en"
SMS_LIMIT = 320
SUBJECT_PREFIX = "Subject:"
_LOCALE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_UNDEFINED = re.compile(r"^'(\w+)' is undefined$")


@dataclasses.dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    locale: str = DEFAULT_LOCALE  # the template locale actually used, after fallback


class UnknownTemplate(NotFound):
    """No such kind, or the kind is not sent on that channel."""


class MissingContext(Invalid):
    """The context lacks a field the template needs."""


class MessageTooLong(Invalid):
    """The rendered SMS is over the limit."""


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # Plain text: nothing to escape. StrictUndefined turns a missing variable into an error
    # instead of a silent gap in a message someone will act on.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )


def template_name(locale: str, kind: str, channel: str) -> str:
    return f"{locale}/{kind}.{channel}.txt"


def locales() -> list[str]:
    """Every locale with a template directory, English first."""
    found = sorted(p.name for p in TEMPLATES_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))
    return sorted(found, key=lambda name: name != DEFAULT_LOCALE)


def available(kind: str) -> dict[str, list[str]]:
    """{channel: [locales]} for the kind; English is always among them."""
    spec = _spec(kind)
    return {channel: [loc for loc in locales() if (TEMPLATES_DIR / template_name(loc, kind, channel)).is_file()]
            for channel in spec.channels}


def fallbacks(locale: str) -> list[str]:
    """es_us -> [es-US, es, en]: the exact tag, its language, then English."""
    if not _LOCALE.match(locale or ""):
        raise Invalid(f"'{locale}' is not a locale tag like 'en' or 'es-US'.", field="locale")
    language, *rest = re.split(r"[-_]", locale)
    rest = [part.upper() if len(part) == 2 else part for part in rest]
    exact = "-".join([language.lower(), *rest])
    return list(dict.fromkeys([exact, language.lower(), DEFAULT_LOCALE]))


def resolve_locale(kind: str, channel: str, locale: str) -> str:
    _check_channel(_spec(kind), kind, channel)
    for candidate in fallbacks(locale):
        if (TEMPLATES_DIR / template_name(candidate, kind, channel)).is_file():
            return candidate
    raise UnknownTemplate(f"No {channel} template exists for {kind}.")


def render(kind: str, channel: str, locale: str, context: dict) -> Rendered:
    spec = _spec(kind)
    used = resolve_locale(kind, channel, locale)
    values = _checked_context(kind, spec, context)
    text = _render_text(template_name(used, kind, channel), values)
    if channel == "sms":
        return Rendered("", _check_sms_length(kind, text.strip()), used)
    subject, body = _split_subject(text, kind, channel)
    return Rendered(subject, body, used)


def _spec(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise UnknownTemplate(f"There is no message kind '{kind}'.") from None


def _check_channel(spec: KindSpec, kind: str, channel: str) -> None:
    if channel not in CHANNELS:
        raise UnknownTemplate(f"There is no channel '{channel}'; use one of {', '.join(CHANNELS)}.")
    if channel not in spec.channels:
        raise UnknownTemplate(f"{kind} is not sent by {channel}; it goes by {', '.join(spec.channels)}.")


def _checked_context(kind: str, spec: KindSpec, context: dict) -> dict:
    values = {**spec.optional, **{k: v for k, v in (context or {}).items() if v is not None}}
    for field in spec.fields:
        if field not in values:
            raise MissingContext(f"{kind} needs '{field}' in its context.", field=field)
    for field in spec.non_empty:
        if not values[field]:
            raise MissingContext(f"{kind} needs at least one entry in '{field}'.", field=field)
    for field, allowed in spec.choices.items():
        if values[field] not in allowed:
            raise Invalid(f"'{field}' must be one of {', '.join(allowed)}.", field=field)
    return values


def _render_text(name: str, values: dict) -> str:
    try:
        return environment().get_template(name).render(values)
    except jinja2.UndefinedError as error:
        # A top-level name comes from the context; anything else is a malformed nested value
        # (an emergency number without a label, a task code missing from the map).
        match = _UNDEFINED.match(str(error))
        field = match.group(1) if match else "context"
        raise MissingContext(f"The context is missing or malformed: {error}.", field=field) from None


def _check_sms_length(kind: str, body: str) -> str:
    if len(body) > SMS_LIMIT:
        raise MessageTooLong(
            f"The {kind} SMS would be {len(body)} characters; the limit is {SMS_LIMIT}. "
            "Shorten the values in the context.", field="context")
    return body


def _split_subject(text: str, kind: str, channel: str) -> tuple[str, str]:
    first, _, rest = text.partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        # A broken template file, not bad input: fail loudly.
        raise jinja2.TemplateError(f"The {channel} template of {kind} must start with '{SUBJECT_PREFIX}'.")
    return first[len(SUBJECT_PREFIX):].strip(), rest.strip()
