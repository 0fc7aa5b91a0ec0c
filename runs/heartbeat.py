"""Worker liveness for /healthz and the sweeper thread each worker runs.

Every worker process writes ``fomo:worker:<id>`` to Redis with a short TTL and sweeps
expired leases on a timer; several workers sweeping at once is harmless (compare-and-set).
"""
from __future__ import annotations

import logging
import threading
import time

import redis
from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)
KEY_PREFIX = "fomo:worker:"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def ttl_s() -> float:
    """How long a heartbeat lasts: a few sweep periods, so a dead worker is noticed quickly."""
    return max(5.0, 3 * float(settings.FOMO["SWEEP_SECONDS"]))


def live_worker_ids() -> set[str] | None:
    """Ids of the workers whose heartbeat is fresh, or None when Redis cannot say."""
    client = redis_client()
    try:
        return {key.decode()[len(KEY_PREFIX):] for key in client.scan_iter(match=f"{KEY_PREFIX}*", count=500)}
    except redis.RedisError:
        return None
    finally:
        client.close()


def live_workers() -> int:
    client = redis_client()
    try:
        return sum(1 for _ in client.scan_iter(match=f"{KEY_PREFIX}*", count=100))
    finally:
        client.close()


def start_background(worker_id: str) -> threading.Thread:
    thread = threading.Thread(target=_loop, args=(worker_id,), name="fomo-sweeper", daemon=True)
    thread.start()
    return thread


def _loop(worker_id: str) -> None:
    from runs.worker import sweep

    client = redis_client()
    every = float(settings.FOMO["SWEEP_SECONDS"])
    while True:
        try:
            client.set(f"{KEY_PREFIX}{worker_id}", str(time.time()), ex=int(ttl_s()))
            counts = sweep()
            if any(counts.values()):
                log.info("sweeper: %s", counts)
        except Exception as exc:  # keep sweeping through Redis or database blips
            log.warning("sweeper: %s", exc)
        finally:
            close_old_connections()
        time.sleep(every)
