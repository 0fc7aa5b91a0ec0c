"""Re-encrypt every stored credential with the newest encryption key.

With keys in the data directory, a new key is generated and put first (``--no-new-key`` only
re-encrypts with the current first key). With ``FOMO_ENCRYPTION_KEYS``, put the new key first
in that variable yourself (keep the old ones after it), then run this command.
"""
from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from builder.credentials import add_key_to_file, rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the newest encryption key"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-new-key", action="store_true",
                            help="do not generate a key; re-encrypt with the current first key")

    def handle(self, *args: Any, no_new_key: bool = False, **options: Any) -> None:
        from_env = bool(os.environ.get("FOMO_ENCRYPTION_KEYS", "").strip())
        if not no_new_key and not from_env:
            path = add_key_to_file()
            self.stdout.write(f"added a new key first in {path}")
        elif from_env:
            self.stdout.write("using the first key of FOMO_ENCRYPTION_KEYS")
        count = rotate_all()
        self.stdout.write(f"re-encrypted {count} secret(s) with the newest key")
