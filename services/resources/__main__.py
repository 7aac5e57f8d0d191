from services.resources.spec import SPEC
from shared.cli import main

main(SPEC)
