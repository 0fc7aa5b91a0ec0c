"""Django's password validators apply wherever a password is set: the sign-up forms (plain and from
an invite) and the ensure_user / seed_demo commands. A refused password says which rule it broke
and changes nothing."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize(("username", "password", "says"), [
    ("dora", "4839201756", "entirely numeric"),
    ("dora-explorer", "dora-explorer", "too similar to the username"),
    ("doraemon", "Doraemon1", "too similar to the username"),
    ("dora", "password123", "too common"),
    ("dora", "k3#rT9", "too short"),
])
def test_sign_up_refuses_a_weak_password_and_says_why(username, password, says):
    resp = Client().post("/signup/", {"username": username, "password1": password, "password2": password})
    assert resp.status_code == 200 and says in resp.content.decode()
    assert not get_user_model().objects.filter(username=username).exists()


def test_sign_up_still_takes_a_good_password():
    good = "amber-kettle-42"
    resp = Client().post("/signup/", {"username": "dora", "password1": good, "password2": good})
    assert resp.status_code == 302
    assert get_user_model().objects.get(username="dora").check_password(good)


@pytest.mark.parametrize("command", ["ensure_user", "seed_demo"])
def test_the_operator_commands_refuse_a_weak_password_and_change_nothing(command):
    with pytest.raises(CommandError, match="entirely numeric"):
        call_command(command, "ops-user", "4839201756")
    assert not get_user_model().objects.filter(username="ops-user").exists()
    call_command(command, "ops-user", "amber-kettle-42")
    with pytest.raises(CommandError, match="too similar to the username"):
        call_command(command, "ops-user", "ops-user-1")
    assert get_user_model().objects.get(username="ops-user").check_password("amber-kettle-42")


def test_the_demo_login_of_make_up_passes_the_rules():
    from fomo.up import DEMO_PASSWORD, DEMO_USER

    call_command("seed_demo", DEMO_USER, DEMO_PASSWORD)
    call_command("ensure_user", DEMO_USER, DEMO_PASSWORD)
    assert get_user_model().objects.get(username=DEMO_USER).check_password(DEMO_PASSWORD)
