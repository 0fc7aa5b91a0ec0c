"""``manage.py prune_runs``: one retention pass (see runs/retention.py), by hand or from cron."""
from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from runs.retention import Policy, prune


class Command(BaseCommand):
    help = ("Delete finished runs (with their events and node records) older than --days or beyond the "
            "newest --keep finished runs of each pipeline, in small batches. Queued and running runs are "
            "never touched. Defaults: FOMO_RETENTION_DAYS and FOMO_RETENTION_KEEP_RUNS.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=float, help="prune runs that finished more than this many days ago")
        parser.add_argument("--keep", type=int, help="keep only the newest N finished runs of each pipeline")
        parser.add_argument("--pipeline", type=int, action="append", help="only this pipeline (repeatable)")
        parser.add_argument("--batch", type=int, help="runs per transaction (default 200)")
        parser.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        base = Policy.from_settings()
        days = opts["days"] if opts["days"] is not None else base.max_age_days
        keep = opts["keep"] if opts["keep"] is not None else base.keep_runs
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more")
        if keep is not None and keep < 0:
            raise CommandError("--keep must be 0 or more")
        if opts["batch"] is not None and opts["batch"] < 1:
            raise CommandError("--batch must be 1 or more")
        policy = Policy(max_age_days=days, keep_runs=keep, batch=opts["batch"] or base.batch)
        if not policy.active:
            raise CommandError("nothing to prune by: pass --days or --keep, or set FOMO_RETENTION_DAYS or "
                               "FOMO_RETENTION_KEEP_RUNS")
        pruned = prune(policy, pipeline_ids=opts["pipeline"], dry_run=opts["dry_run"])
        self.stdout.write(json.dumps({**pruned.as_dict(), "dry_run": opts["dry_run"],
                                      "days": days, "keep": keep}))
