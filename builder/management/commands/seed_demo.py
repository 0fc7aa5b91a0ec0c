"""Create the demo user and two demo pipelines (idempotent), asking the offline model."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from builder import graph_doc
from builder.accounts import ensure_user
from builder.models import Pipeline, Workspace
from builder.templates_gallery import with_offline_model

DEMOS = [
    ("Summarize a long transcript", "Map/reduce: split by tokens, summarize every chunk in parallel, "
     "then summarize the summaries.", graph_doc.transcript_summary),
    ("Route by customer tier", "Paid requests go to a stronger model, free ones to a cheap model.",
     graph_doc.route_by_tier),
]


class Command(BaseCommand):
    help = "seed_demo USERNAME PASSWORD: a demo login with two demo pipelines"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("password")

    def handle(self, *args: Any, username: str, password: str, **options: Any) -> None:
        user, _ = ensure_user(username, password)  # the sign-up password rules apply
        workspace = Workspace.personal_of(user)
        for name, description, build in DEMOS:
            if not Pipeline.objects.filter(workspace=workspace, name=name).exists():
                p = Pipeline.objects.create(workspace=workspace, name=name, description=description,
                                            draft=with_offline_model(build()), created_by=user, updated_by=user)
                p.add_version(p.draft, user, "Demo pipeline")
