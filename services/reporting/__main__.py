from services.reporting.spec import SPEC
from shared.cli import main

main(SPEC)
