# The Visit model, moved here from the problems app: the state only; the table problems_visit already exists.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0003_enterprise_name_order_index'),
        ('problems', '0005_visit_moves_to_liaison'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Visit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('project_code', models.CharField(blank=True, max_length=30, verbose_name='项目代码')),
                        ('visited_on', models.DateField(verbose_name='走访日期')),
                        ('notes', models.TextField(verbose_name='走访情况')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='填报时间')),
                        ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='registry.enterprise', verbose_name='企业')),
                        ('officer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='visits', to=settings.AUTH_USER_MODEL, verbose_name='驻企服务员')),
                    ],
                    options={
                        'verbose_name': '走访记录',
                        'verbose_name_plural': '走访记录',
                        'db_table': 'problems_visit',
                        'ordering': ['-visited_on', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
