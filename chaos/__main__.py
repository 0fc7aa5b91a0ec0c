"""``python -m chaos [--short] [--only a,b,...]``: run the scenarios, print one JSON line per figure
on stdout (progress and broken invariants on stderr); exit 1 if any invariant broke.

Scenarios: a sigkill, b poison, c redis_restart, d stalled_client, e faults, f load, g fuzz,
h graceful (rolling restarts: SIGTERM, hand-back), i bombs (template bombs beside ordinary runs).
Sizes come from the environment (defaults are the full ``make chaos``; ``--short`` is the CI size):
CHAOS_SIGKILL_RUNS (50), CHAOS_WORKERS (2), CHAOS_FAULT_RUNS (100), CHAOS_LOAD_SECONDS (60),
CHAOS_LOAD_CLIENTS (50), CHAOS_STALLED_RUNS (3), CHAOS_FUZZ_EXAMPLES (150), CHAOS_REDIS_RUNS (10),
CHAOS_GRACEFUL_RUNS (30), CHAOS_BOMB_RUNS (20).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")

from chaos import bombs, crash, faults, fuzz, graceful, streams  # noqa: E402
from chaos.common import ChaosStack, Result, chaos_stack, env_int, log  # noqa: E402

FULL = {"sigkill": 50, "faults": 100, "load_s": 60, "clients": 50, "stalled": 3, "fuzz": 150, "redis": 10,
        "graceful": 30, "bombs": 20}
SHORT = {"sigkill": 8, "faults": 15, "load_s": 10, "clients": 10, "stalled": 1, "fuzz": 25, "redis": 4,
         "graceful": 6, "bombs": 10}


def scenarios(size: dict[str, int]) -> dict[str, Callable[[ChaosStack], Result]]:
    short = size is SHORT
    return {
        "a": lambda cs: crash.sigkill(cs, runs=env_int("CHAOS_SIGKILL_RUNS", size["sigkill"]),
                                      spacing_s=1.0 if short else 0.25),
        "b": lambda cs: crash.poison(cs, bystanders=4 if short else 6),
        "d": lambda cs: streams.stalled_client(cs, runs=env_int("CHAOS_STALLED_RUNS", size["stalled"])),
        "e": lambda cs: faults.provider_faults(cs, runs=env_int("CHAOS_FAULT_RUNS", size["faults"])),
        "f": lambda cs: streams.load(cs, duration_s=env_int("CHAOS_LOAD_SECONDS", size["load_s"]),
                                     clients=env_int("CHAOS_LOAD_CLIENTS", size["clients"])),
        "g": lambda cs: fuzz.fuzz(cs, examples=env_int("CHAOS_FUZZ_EXAMPLES", size["fuzz"])),
        "h": lambda cs: graceful.rolling_restart(cs, runs=env_int("CHAOS_GRACEFUL_RUNS", size["graceful"]),
                                                 spacing_s=1.0 if short else 0.3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chaos", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true", help="the CI sizes")
    parser.add_argument("--only", default="a,b,c,d,e,f,g,h,i", help="comma-separated scenario letters")
    args = parser.parse_args(argv)
    size = SHORT if args.short else FULL
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    workers = env_int("CHAOS_WORKERS", 2)
    results: list[Result] = []
    shared = [s for s in wanted if s not in ("c", "i")]
    t0 = time.monotonic()
    if shared:
        table = scenarios(size)
        # One stack for the scenarios that leave it as they found it (killed workers are replaced).
        with chaos_stack(workers=workers) as cs:
            for letter in shared:
                log(f"scenario {letter} …")
                t = time.monotonic()
                res = table[letter](cs)
                cs.ensure_workers()
                log(f"scenario {letter} ({res.scenario}) took {time.monotonic() - t:.1f}s")
                _report(res)
                results.append(res)
    if "c" in wanted:
        log("scenario c …")
        # Its own stack: it restarts that stack's Redis (its own, on a free port) mid-run.
        with chaos_stack(workers=workers, extra_env={"FOMO_LEASE_SECONDS": "5"}) as cs:
            res = crash.redis_restart(cs, runs=env_int("CHAOS_REDIS_RUNS", size["redis"]))
        _report(res)
        results.append(res)
    if "i" in wanted:
        log("scenario i …")
        # Its own one-worker stack: every bystander shares the bombs' worker (and its event loop).
        with chaos_stack(workers=1) as cs:
            res = bombs.bomb_bystanders(cs, runs=env_int("CHAOS_BOMB_RUNS", size["bombs"]))
        _report(res)
        results.append(res)
    broken = [v for r in results for v in r.violations]
    log(f"done in {time.monotonic() - t0:.0f}s; {len(broken)} broken invariants")
    return 1 if broken else 0


def _report(res: Result) -> None:
    for f in res.figures:
        print(f.line(), flush=True)
    for v in res.violations:
        log(f"BROKEN [{res.scenario}]: {v}")
    if res.notes and res.violations:
        log(f"notes [{res.scenario}]: {json.dumps(res.notes, default=str)[:2000]}")


if __name__ == "__main__":
    sys.exit(main())
