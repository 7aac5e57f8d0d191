import pytest

from services.people.domain.status import TransitionError, check_transition


@pytest.mark.parametrize("current, target", [("intake", "active"), ("intake", "discharged"),
                                             ("active", "discharged"), ("discharged", "active")])
def test_allowed_moves(current, target):
    check_transition(current, target, "reason given")


@pytest.mark.parametrize("current, target", [("active", "intake"), ("discharged", "intake"),
                                             ("active", "active"), ("intake", "gone")])
def test_refused_moves_name_what_is_allowed(current, target):
    with pytest.raises(TransitionError, match=f"who is {current} can move to"):
        check_transition(current, target, "reason")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_move_needs_a_reason(reason):
    with pytest.raises(TransitionError, match="reason"):
        check_transition("intake", "active", reason)
