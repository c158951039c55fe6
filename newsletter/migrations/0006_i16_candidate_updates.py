"""The "kandidaten-updates" audience supporters can choose on their preference page, and the django-q2 schedule
that sends its daily digest of new commitments (at 18:00, Amsterdam time)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

KEY = "kandidaten-updates"
SCHEDULE = "newsletter.commitment_digest"


def create(apps, schema_editor):
    Audience = apps.get_model("newsletter", "Audience")
    Audience.objects.get_or_create(
        key=KEY,
        defaults={
            "name": "Kandidaten-updates",
            "description": "Hoogstens één keer per dag: welke kandidaten een standpunt over de calls innamen.",
            "template": "summary",
            "is_public": True,
            "position": 60,
        },
    )
    now = dt.datetime.now(ZoneInfo("Europe/Amsterdam"))
    first = now.replace(hour=18, minute=0, second=0, microsecond=0)
    if first <= now:
        first += dt.timedelta(days=1)
    apps.get_model("django_q", "Schedule").objects.get_or_create(
        name=SCHEDULE,
        defaults={
            "func": "newsletter.outreach.tasks.send_commitment_digest",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": first,
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE).delete()
    apps.get_model("newsletter", "Audience").objects.filter(key=KEY).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0005_i16_candidates"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
