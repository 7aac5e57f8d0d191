"""The network-map SVG read back as a document: structure, cues beyond colour, safety.

Complements test_network_map_picture.py. Ring bands are read from the circles the SVG
itself emits (not from module internals), so the checks hold for what a browser draws.
"""
import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from services.people.domain.network_map import LABEL_COLOURS, ROLE_MARKS, MapContact, render_svg, text_list

SVG = "{http://www.w3.org/2000/svg}"
SAMPLE = [MapContact("a", "Jo", "sponsor", "inner", "helpful"), MapContact("b", "Dave", "friend", "inner", "risky"),
          MapContact("c", "Ann", "peer_worker", "middle", "mixed"), MapContact("d", "GP", "clinician", "outer", "helpful"),
          MapContact("e", "Job centre", "service", "outer", "unknown")]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def contact_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "contact"]


def bands(root: ET.Element) -> dict[str, tuple[float, float]]:
    """Ring bands from the emitted drawing: the three ring circles (outer first) and the
    person's centre marker, which bounds the inner ring from below."""
    ring_outer, person = [float(c.get("r")) for c in root.findall(f"{SVG}circle")][:3], root.findall(f"{SVG}circle")[3]
    inner, middle, outer = sorted(ring_outer)
    return {"inner": (float(person.get("r")), inner), "middle": (inner, middle), "outer": (middle, outer)}


def test_a_standalone_svg_document_labelled_for_assistive_technology():
    root = parse(render_svg("Sam", SAMPLE))
    assert root.tag == f"{SVG}svg" and root.get("version") == "1.1"
    assert len(root.get("viewBox").split()) == 4
    assert root.get("role") == "img"
    ids = {el.get("id"): el.tag for el in root.iter() if el.get("id")}
    assert [ids[i] for i in root.get("aria-labelledby").split()] == [f"{SVG}title", f"{SVG}desc"]


def test_description_counts_every_ring_and_label():
    desc = parse(render_svg("Sam", SAMPLE)).find(f"{SVG}desc").text
    assert desc == ("Inner circle: 2 (1 helpful, 1 risky). Middle circle: 1 (1 mixed). "
                    "Outer circle: 2 (1 helpful, 1 unknown).")


def test_rings_are_concentric_and_drawn_outermost_first():
    root = parse(render_svg("Sam", SAMPLE))
    rings = root.findall(f"{SVG}circle")[:3]
    assert len({(c.get("cx"), c.get("cy")) for c in rings}) == 1
    radii = [float(c.get("r")) for c in rings]
    assert radii == sorted(radii, reverse=True)  # later shapes paint over earlier ones


def test_one_marker_per_contact_with_colour_and_role_letters():
    groups = contact_groups(parse(render_svg("Sam", SAMPLE)))
    assert len(groups) == len(SAMPLE)
    by_title = {g.find(f"{SVG}title").text.split(":")[0]: g for g in groups}
    for contact in SAMPLE:
        group = by_title[contact.name]
        assert group.find(f"{SVG}circle").get("fill") == LABEL_COLOURS[contact.label]
        assert group.find(f"{SVG}text").text == ROLE_MARKS[contact.role]  # colour is not the only cue


def test_legend_names_every_label_and_role_mark():
    legend = next(g for g in parse(render_svg("Sam", [])).iter(f"{SVG}g") if g.get("class") == "legend")
    words = " ".join(t.text for t in legend.iter(f"{SVG}text"))
    assert all(label in words for label in LABEL_COLOURS)
    assert all(f"{mark} {role.replace('_', ' ')}" in words for role, mark in ROLE_MARKS.items())
    assert {r.get("fill") for r in legend.iter(f"{SVG}rect")} == set(LABEL_COLOURS.values())


@pytest.mark.parametrize("ring", ["inner", "middle", "outer"])
@pytest.mark.parametrize("size", [240, 480])
def test_thirty_contacts_fit_their_ring_without_overlap(ring, size):
    crowd = [MapContact(f"c{i:02}", f"Person {i:02}", "peer", ring, "helpful") for i in range(30)]
    root = parse(render_svg("Sam", crowd, size))
    low, high = bands(root)[ring]
    centre = (size / 2, size / 2)
    points = [(float(c.get("cx")), float(c.get("cy")), float(c.get("r")))
              for c in (g.find(f"{SVG}circle") for g in contact_groups(root))]
    assert len(points) == 30
    for x, y, r in points:
        assert low <= math.dist((x, y), centre) - r and math.dist((x, y), centre) + r <= high
    for a, b in itertools.combinations(points, 2):
        assert math.dist(a[:2], b[:2]) >= a[2] + b[2]


def test_markers_are_spread_evenly_by_angle():
    ring = [MapContact(f"c{i}", f"P{i}", "friend", "middle", "helpful") for i in range(6)]
    root = parse(render_svg("Sam", ring))
    angles = sorted(math.atan2(float(c.get("cy")) - 240, float(c.get("cx")) - 240)
                    for c in (g.find(f"{SVG}circle") for g in contact_groups(root)))
    gaps = [b - a for a, b in zip(angles, angles[1:])]
    assert all(math.isclose(gap, math.pi / 3, abs_tol=0.02) for gap in gaps)


def test_output_does_not_depend_on_input_order():
    for order in itertools.islice(itertools.permutations(SAMPLE), 0, 120, 17):
        assert render_svg("Sam", list(order)) == render_svg("Sam", SAMPLE)
        assert text_list(list(order)) == text_list(SAMPLE)


def test_names_with_markup_quotes_and_ampersands_round_trip_as_text():
    name = '<script>alert("x")</script> O\'Neil & co'
    svg = render_svg('Sam "<b>" & Co', [MapContact("x", name, "friend", "inner", "helpful")])
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == 'Support network map for Sam "<b>" & Co'
    assert contact_groups(root)[0].find(f"{SVG}title").text.startswith(name)


def test_nothing_external_and_nothing_executable():
    root = parse(render_svg("Sam", SAMPLE))
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"script", "image", "foreignObject", "use", "a", "style"}
    attributes = {name for el in root.iter() for name in el.attrib}
    assert not any(name.startswith("on") or name.endswith("href") for name in attributes)


def test_text_list_orders_inner_middle_outer_then_by_name():
    assert text_list(SAMPLE) == ["Inner circle: Dave (friend, risky)", "Inner circle: Jo (sponsor, helpful)",
                                 "Middle circle: Ann (peer worker, mixed)", "Outer circle: GP (clinician, helpful)",
                                 "Outer circle: Job centre (service, unknown)"]
