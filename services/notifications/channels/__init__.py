"""Delivery channels behind one adapter interface (see base.py)."""
