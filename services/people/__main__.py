from services.people.spec import SPEC
from shared.cli import main

main(SPEC)
