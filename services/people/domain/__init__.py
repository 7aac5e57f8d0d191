"""Pure domain rules of the people service: no storage, no web."""
