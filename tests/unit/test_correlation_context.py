"""The correlation id lives in a context variable that bound() sets and restores."""
import contextvars
import re

import pytest

from shared import correlation


def test_nothing_is_bound_by_default():
    assert contextvars.Context().run(correlation.current) is None


def test_bound_sets_and_restores():
    before = correlation.current()
    with correlation.bound("req-1"):
        assert correlation.current() == "req-1"
    assert correlation.current() == before


def test_bound_nests():
    with correlation.bound("outer"):
        with correlation.bound("inner"):
            assert correlation.current() == "inner"
        assert correlation.current() == "outer"


def test_bound_none_clears_inside_and_restores_after():
    with correlation.bound("outer"):
        with correlation.bound(None):
            assert correlation.current() is None
        assert correlation.current() == "outer"


def test_bound_restores_after_an_exception():
    with correlation.bound("outer"):
        with pytest.raises(RuntimeError):
            with correlation.bound("inner"):
                raise RuntimeError("handler failed")
        assert correlation.current() == "outer"


def test_set_current_and_reset():
    token = correlation.set_current("req-2")
    try:
        assert correlation.current() == "req-2"
    finally:
        correlation.reset(token)
    assert correlation.current() != "req-2"


def test_values_do_not_leak_between_contexts():
    def inside():
        correlation.set_current("only-here")
        return correlation.current()

    assert contextvars.copy_context().run(inside) == "only-here"
    assert correlation.current() != "only-here"


def test_new_ids_are_unique_hex():
    first, second = correlation.new_id(), correlation.new_id()
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second
