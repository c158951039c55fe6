"""Creates the `admin` superuser for local use when it does not exist yet."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

# Local use only: `make run` prints it. Production users are created with `createsuperuser`.
DEFAULT_PASSWORD = "kracht-van-mokum"  # noqa: S105


class Command(BaseCommand):
    help = "Maakt de beheerder 'admin' aan (wachtwoord uit ADMIN_PASSWORD) als die nog niet bestaat."

    def handle(self, *args, **options):
        User = get_user_model()
        password = os.environ.get("ADMIN_PASSWORD") or DEFAULT_PASSWORD
        user, created = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@localhost"}
        )
        if created or os.environ.get("ADMIN_PASSWORD"):
            user.set_password(password)
            user.save()
            self.stdout.write(
                self.style.SUCCESS(f"Beheerder: gebruikersnaam 'admin', wachtwoord '{password}'")
            )
        else:
            self.stdout.write(
                "Beheerder 'admin' bestaat al (zet ADMIN_PASSWORD om het wachtwoord te wijzigen)."
            )
