"""The vocabulary of the guide's network map: roles, circles, labels, kinds of support."""

CONTACT_ROLES = ("family", "partner", "friend", "peer", "sponsor", "peer_worker", "clinician",
                 "practical_support", "mutual_help_group", "service")
CIRCLES = ("inner", "middle", "outer")
LABELS = ("helpful", "risky", "mixed", "unknown")
SUPPORT_TYPES = ("mutual_help", "sober_social", "housing", "transport", "benefits", "employment",
                 "emotional", "crisis")
PRACTICAL_SUPPORT_TYPES = ("housing", "transport", "benefits", "employment")
