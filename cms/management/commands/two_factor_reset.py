"""Turns two-step login off for an editor who lost their phone and their backup codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms.two_factor.devices import two_factor_disable, two_factor_enabled


class Command(BaseCommand):
    help = "Zet tweestapsverificatie uit voor een redacteur (telefoon én reservecodes kwijt)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"Geen gebruiker '{username}'.")
        if not two_factor_enabled(user):
            self.stdout.write(f"Tweestapsverificatie stond voor '{username}' al uit.")
            return
        two_factor_disable(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Tweestapsverificatie staat voor '{username}' uit; die kan het opnieuw instellen."
            )
        )
