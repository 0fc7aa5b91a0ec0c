"""fomo's chaos, fault, load and fuzz suite: ``python -m chaos`` (``make chaos``).

Each scenario starts real processes on 127.0.0.1 (its own Redis, Celery workers, daphne), drives
them, checks invariants and prints one JSON line ``{"name","value","unit"}`` per figure.
"""
