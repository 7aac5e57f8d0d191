"""The network-map SVG: valid, accessible, markers in their rings, no overlaps, escaped."""
import math
import xml.etree.ElementTree as ET

from services.people.domain.network_map import MapContact, _ring_bounds, render_svg, text_list

NS = {"svg": "http://www.w3.org/2000/svg"}


def contacts(n=3, circle="inner"):
    return [MapContact(f"c{i}", f"Person {i}", "friend", circle, "helpful") for i in range(n)]


def markers(svg: str):
    root = ET.fromstring(svg)
    return root, [(g.find("svg:title", NS).text, g.find("svg:circle", NS)) for g in root.iter("{%s}g" % NS["svg"])
                  if g.get("class") == "contact"]


def test_accessible_title_and_description():
    sample = [MapContact("a", "Jo", "sponsor", "inner", "helpful"), MapContact("b", "Dave", "friend", "inner", "risky"),
              MapContact("c", "GP", "clinician", "outer", "helpful")]
    root, found = markers(render_svg("Sam", sample))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "map-title map-desc"
    assert root.find("svg:title", NS).text == "Support network map for Sam"
    assert root.find("svg:desc", NS).text.startswith("Inner circle: 2 (1 helpful, 1 risky). Middle circle: 0.")
    assert sorted(t for t, _ in found) == ["Dave: friend, inner circle, risky", "GP: clinician, outer circle, helpful",
                                          "Jo: sponsor, inner circle, helpful"]


def test_each_marker_sits_inside_its_ring():
    size = 480
    sample = contacts(4, "inner") + contacts(5, "middle") + contacts(6, "outer")
    _, found = markers(render_svg("Sam", sample, size))
    bounds = _ring_bounds(size)
    for (title, circle) in found:
        ring = title.split(", ")[1].split()[0]
        distance = math.dist((float(circle.get("cx")), float(circle.get("cy"))), (size / 2, size / 2))
        radius = float(circle.get("r"))
        assert bounds[ring][0] <= distance - radius and distance + radius <= bounds[ring][1], title


def test_a_crowded_ring_has_no_overlapping_markers():
    _, found = markers(render_svg("Sam", contacts(30, "inner")))
    points = [(float(c.get("cx")), float(c.get("cy")), float(c.get("r"))) for _, c in found]
    for i, a in enumerate(points):
        for b in points[i + 1:]:
            assert math.dist(a[:2], b[:2]) >= a[2] + b[2]


def test_hostile_names_are_escaped_and_output_is_deterministic():
    sample = [MapContact("x", '<script>alert("x")</script> & co', "friend", "middle", "unknown")]
    svg = render_svg("<b>Sam</b>", sample)
    assert "<script" not in svg and "<b>" not in svg
    ET.fromstring(svg)
    assert svg == render_svg("<b>Sam</b>", sample)


def test_text_list_groups_by_ring():
    sample = [MapContact("b", "Zed", "friend", "outer", "mixed"), MapContact("a", "Amy", "family", "inner", "helpful")]
    assert text_list(sample) == ["Inner circle: Amy (family, helpful)", "Outer circle: Zed (friend, mixed)"]
