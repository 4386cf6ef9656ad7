"""The operators' record of deleted accounts (manage.py account_delete): a platform-only
table, outside every account (accounts.rls.platform_only_tables)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_user_tags_trigram_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountDeletion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('subdomain', models.CharField(max_length=63)),
                ('name', models.CharField(max_length=200)),
                ('former_id', models.BigIntegerField(help_text="The deleted account's id.")),
                ('deleted_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('deleted_by', models.CharField(help_text='The operator who ran the deletion (their login).', max_length=150)),
                ('rows', models.JSONField(default=dict, help_text='Rows deleted, per table.')),
                ('files', models.PositiveIntegerField(default=0)),
                ('cache_keys', models.PositiveIntegerField(default=0)),
            ],
            options={
                'ordering': ['-deleted_at'],
            },
        ),
    ]
