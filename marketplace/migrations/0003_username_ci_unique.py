"""Usernames are unique whatever their case: a unique index on lower(username).

auth.User's Meta cannot take a UniqueConstraint(Lower("username")) from this project, so the
index is plain SQL, the same on SQLite and PostgreSQL. It fails on a database that already holds
two usernames differing only in case; rename one of them first.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("marketplace", "0002_protect_referenced_rows"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE UNIQUE INDEX auth_user_username_lower_uniq ON auth_user (lower(username));",
            reverse_sql="DROP INDEX auth_user_username_lower_uniq;",
        ),
    ]
