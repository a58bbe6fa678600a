from django.db import migrations


def copy_to_core(apps, schema_editor):
    """In-app notices moved to core (every app sends them now): keep the ones already written."""
    Old = apps.get_model("bulletins", "Notification")
    New = apps.get_model("core", "Notification")
    New.objects.bulk_create(New(user_id=n.user_id, title=n.title, link=n.link, created_at=n.created_at, read=n.read)
                            for n in Old.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("bulletins", "0001_initial"),
        ("core", "0005_notification"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
