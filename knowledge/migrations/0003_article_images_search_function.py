"""Images in article bodies (knowledge.models.ArticleImage), and the article search's
road to its GIN index under row-level security.

Under a policy PostgreSQL checks the policy before ``@@`` (not LEAKPROOF), so as the
application role the search could not use ``kb_translation_search`` (0002) and would
read every translation of the account in the language. As tickets/migrations/0005 does
for tickets and comments, ``search_article_translation_ids(account, query)`` runs the
one indexed match as its owner for the account the session works for (refusing any
other) and returns ids only; knowledge.selectors.search_articles reads the rows under
the policy and the visibility rules. PostgreSQL only.
"""

import django.db.models.deletion
import django.utils.timezone
import knowledge.models
import secrets
from django.conf import settings
from django.db import migrations, models


GUARD = """
    IF p_account IS NULL
       OR p_account IS DISTINCT FROM NULLIF(current_setting('app.account_id', true), '')::bigint
    THEN
        RAISE EXCEPTION 'search of account % while working for account %',
            p_account, coalesce(current_setting('app.account_id', true), '')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.search_article_translation_ids(
    p_account bigint, p_query tsquery
)
RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    {guard}
    RETURN QUERY EXECUTE
        'SELECT id FROM {schema}.knowledge_articletranslation '
        'WHERE account_id = $1 AND search_vector @@ $2'
        USING p_account, p_query;
END
$fn$;
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.connection.ops.quote_name(cursor.fetchone()[0])


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        sql = FUNCTION.format(schema=_schema(schema_editor), guard=GUARD)
        schema_editor.execute(sql, params=None)  # no placeholders: "%" is plpgsql's own


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP FUNCTION IF EXISTS {_schema(schema_editor)}"
            ".search_article_translation_ids(bigint, tsquery)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0021_people_fields_gin'),
        ('knowledge', '0002_article_search_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArticleImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=200, upload_to=knowledge.models.image_upload_to)),
                ('filename', models.CharField(max_length=255)),
                ('content_type', models.CharField(max_length=120)),
                ('size', models.PositiveBigIntegerField()),
                ('token', models.CharField(default=secrets.token_urlsafe, max_length=48)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.account')),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='images', to='knowledge.article')),
                ('uploader', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'article image',
                'constraints': [models.UniqueConstraint(fields=('account', 'token'), name='kb_image_token_unique')],
            },
        ),
        migrations.RunPython(create_function, drop_function, elidable=False),
    ]
