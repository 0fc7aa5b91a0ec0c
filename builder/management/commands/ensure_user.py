"""Create a user (with their personal workspace) if missing, and set the password; a password that
fails AUTH_PASSWORD_VALIDATORS is refused (exit status 1, the rules it broke on stderr)."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from builder.accounts import ensure_user


class Command(BaseCommand):
    help = "Create or update a user: ensure_user USERNAME PASSWORD"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("password")

    def handle(self, *args: Any, username: str, password: str, **options: Any) -> None:
        _, created = ensure_user(username, password)
        self.stdout.write(f"{'created' if created else 'updated'} {username}")
