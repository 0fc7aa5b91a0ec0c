"""The ``fomo`` command (``[project.scripts]``): a thin argparse front over fomo/up.py, the launcher
and Django's management commands, so an installed wheel needs no checkout and no manage.py.

    fomo up            migrate, demo data, Redis if none answers, Chroma, a worker, daphne
    fomo web           daphne alone on 127.0.0.1:FOMO_PORT (8000), in the foreground
    fomo worker        a Celery worker alone on the FOMO_QUEUE queue, in the foreground
    fomo migrate       apply the database migrations
    fomo createuser    create a user or set its password (the sign-up password rules apply)
    fomo manage ...    any other management command (prune_runs, rotate_encryption_key, ...)
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence


def _django_argv(*args: str) -> int:
    """Run a management command in this process; its exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["fomo", *args])
    except SystemExit as exc:  # a CommandError exits 1 after printing its message
        return int(exc.code or 0)
    return 0


def _exec(argv: list[str]) -> int:
    """Become ``argv`` (signals then reach daphne/Celery directly, as under a supervisor)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")
    sys.stdout.flush()
    os.execv(argv[0], argv)
    return 0  # not reached


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        print("fomo createuser: the two passwords differ", file=sys.stderr)
        return None
    return first


def _createuser(username: str, from_stdin: bool) -> int:
    password = _read_password(from_stdin)
    if password is None:
        return 1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fomo.settings")
    import django

    django.setup()
    from django.core.management.base import CommandError

    from builder.accounts import ensure_user

    try:
        _, created = ensure_user(username, password)
    except CommandError as exc:  # the password validators' messages, nothing written
        print(f"fomo createuser: {exc}", file=sys.stderr)
        return 1
    print(f"{'created' if created else 'updated'} {username}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="fomo", description="fomo: a low-code builder for LLM pipelines.",
                                  epilog="Settings come from the environment: FOMO_DATA_DIR, FOMO_PORT, "
                                         "FOMO_QUEUE, FOMO_CHANNEL_PREFIX, REDIS_URL, DATABASE_URL, CHROMA_URL, ...")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("up", help="migrate, seed the demo and start everything (Redis, Chroma, a worker, the web)")
    sub.add_parser("web", help="run the web server (daphne) on 127.0.0.1:$FOMO_PORT (default 8000)")
    sub.add_parser("worker", help="run a Celery worker on the $FOMO_QUEUE queue (default fomo)")
    sub.add_parser("migrate", help="apply the database migrations")
    create = sub.add_parser("createuser", help="create a user, or set an existing user's password")
    create.add_argument("username")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of stdin instead of prompting")
    manage = sub.add_parser("manage", help="run any Django management command (fomo manage help)")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from fomo import launcher

    if args.command == "up":
        from fomo import up

        return up.main()
    if args.command == "web":
        from fomo import up

        return _exec(launcher.daphne_command(up.port()))
    if args.command == "worker":
        return _exec(launcher.worker_command(dict(os.environ)))
    if args.command == "migrate":
        return _django_argv("migrate", "--noinput")
    if args.command == "createuser":
        return _createuser(args.username, args.password_stdin)
    return _django_argv(*(args.args or ["help"]))


if __name__ == "__main__":
    sys.exit(main())
