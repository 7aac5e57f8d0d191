"""Circles benchmarks. `python -m bench` runs B1 (the event pipeline) and writes
bench/RESULTS.md; see bench/pipeline.py for what is measured."""
