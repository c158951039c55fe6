"""The outreach reminder task moved to `newsletter.outreach.tasks`: planned reminders follow it."""

from django.db import migrations

OLD, NEW = "newsletter.tasks.send_reminders", "newsletter.outreach.tasks.send_reminders"


def forwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=OLD).update(func=NEW)


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=NEW).update(func=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0008_merge_i17"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
