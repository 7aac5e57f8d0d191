from services.reporting.projection.replay import replay_command
from services.reporting.spec import SPEC
from shared.cli import main

main(SPEC, commands={"replay": ("rebuild every projection from the start of the topics, then swap it in",
                                replay_command)})
