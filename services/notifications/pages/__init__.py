"""Server-rendered staff pages of the notifications service: a person's delivery log, the
organisation's rules and quiet hours, and the caller's inbox."""
