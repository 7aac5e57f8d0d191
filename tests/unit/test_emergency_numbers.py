import pytest

from shared.emergency_numbers import EmergencyNumber, UnknownRegion, numbers_for


def test_uk_and_us_tables_from_the_guide():
    assert {"999", "116 123", "0300 123 6600"} <= {n.number for n in numbers_for("GB")}
    assert {"911", "1-800-662-HELP (4357)"} <= {n.number for n in numbers_for("US")}


def test_subdivisions_fall_back_to_their_country():
    assert numbers_for("US-NY") == numbers_for("US")
    assert numbers_for("GB-SCT") == numbers_for("GB")


def test_organisations_configure_other_regions_and_overrides():
    ie = [EmergencyNumber("Emergency services", "112"), EmergencyNumber("Samaritans Ireland", "116 123")]
    assert [n.number for n in numbers_for("IE", {"IE": ie})] == ["112", "116 123"]
    assert numbers_for("GB-SCT", {"GB-SCT": ie[:1]}) == (ie[0],)


def test_an_unknown_region_is_an_error_not_an_empty_list():
    with pytest.raises(UnknownRegion):
        numbers_for("FR")


def test_region_codes_are_read_in_any_case():
    assert numbers_for("gb-eng") == numbers_for("GB")
