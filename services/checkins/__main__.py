from services.checkins.spec import SPEC
from shared.cli import main

main(SPEC)
