from services.notifications.spec import SPEC
from shared.cli import main

main(SPEC)
