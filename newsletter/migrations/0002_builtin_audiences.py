"""The four audiences code refers to by key: residents, allies, candidates, party leaders."""

from django.db import migrations

BUILTIN = [
    # key, name, description, template, is_public, position
    ("party_leaders", "Fractieleiders", "Fractieleiders en lijsttrekkers uit het partnernetwerk.", "summary", False, 10),
    ("candidates", "Kandidaten", "Kandidaten op de kieslijsten, uit het partnernetwerk.", "full", False, 20),
    ("allies", "Bondgenoten", "Contactpersonen van partnerorganisaties en bondgenoten die zich aanmelden.", "full", True, 30),
    ("residents", "Bewoners", "Amsterdammers die zich op de site aanmelden.", "full", True, 40),
]


def create(apps, schema_editor):
    Audience = apps.get_model("newsletter", "Audience")
    for key, name, description, template, is_public, position in BUILTIN:
        Audience.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "description": description,
                "template": template,
                "is_public": is_public,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
