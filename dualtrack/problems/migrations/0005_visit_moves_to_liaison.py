# The Visit model moves to the liaison app; its table (problems_visit) stays where it is.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('problems', '0004_problem_source_key_problem_problem_source_key'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Visit')],
            database_operations=[],
        ),
    ]
