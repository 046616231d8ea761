"""Property-based fuzzing of every armgen entry point with our own generators of hostile input.

``make fuzz`` (``python -m tests.fuzz``) runs at least 1,000 cases per entry point and prints a
table per entry point; ``make test`` runs a bounded, derandomized sample (tests/fuzz/test_fuzz.py).
"""
