"""The correlation id of the request or event being handled, carried in a context var.

HTTP requests take it from `X-Correlation-ID` (or get a new one); events carry it in
the `ce_correlationid` header, so one id follows a change from the API through every
service it touches, in logs and in event headers alike.
"""
from __future__ import annotations

import contextlib
import contextvars
import uuid

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def current() -> str | None:
    return _current.get()


def new_id() -> str:
    return uuid.uuid4().hex


def set_current(value: str | None) -> contextvars.Token:
    return _current.set(value)


@contextlib.contextmanager
def bound(value: str | None):
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
