"""Steady load with no fault: the tally and the system agree (the control row)."""


def test_steady_load_without_faults_matches_the_tally(world):
    with world.scenario("0 steady load, no fault") as row:
        row.operations = world.load().start(world.ops(40)).wait()
