"""Setting a password from an operator command, under the same rules as sign-up."""
from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction


def ensure_user(username: str, password: str) -> tuple[Any, bool]:
    """Create ``username`` or update its password, and say whether it was created. A password that
    fails AUTH_PASSWORD_VALIDATORS (checked against this user's name) raises CommandError with
    the validators' messages, and nothing is written."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        if user is None:
            user = User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(f"password for {username} refused: {' '.join(exc.messages)}") from None
        user.set_password(password)
        user.save()
    return user, created
