"""Ship the two blueprints: the full CPOA mock exam and a short Domain 2 sprint."""

from django.db import migrations

from practice.shipped import BLUEPRINTS, install_blueprints


def forwards(apps, schema_editor):
    install_blueprints(apps)


def backwards(apps, schema_editor):
    apps.get_model("practice", "Blueprint").objects.filter(slug__in=[b["slug"] for b in BLUEPRINTS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("questions", "0002_domains_and_authors_group"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
