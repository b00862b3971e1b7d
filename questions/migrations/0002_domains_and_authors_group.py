"""Ship the seven CPOA domains and an "Authors" group with exactly the rights authors need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAINS = [
    (1, "Apply Foundational Concepts", "apply-foundational-concepts"),
    (2, "Cultivate Customer Intimacy", "cultivate-customer-intimacy"),
    (3, "Engage the Whole Team", "engage-the-whole-team"),
    (4, "Make an Impact", "make-an-impact"),
    (5, "Deliver Often", "deliver-often"),
    (6, "Learn Fast", "learn-fast"),
    (7, "Obsess About Value", "obsess-about-value"),
]

AUTHOR_PERMISSIONS = [
    "view_domain",
    "add_concept", "change_concept", "view_concept",
    "add_question", "change_question", "delete_question", "view_question",
    "add_choice", "change_choice", "delete_choice", "view_choice",
]


def forwards(apps, schema_editor):
    Domain = apps.get_model("questions", "Domain")
    for number, name, slug in DOMAINS:
        Domain.objects.update_or_create(
            number=number, defaults={"name": name, "slug": slug, "section": f"5.{number}"}
        )
    # Permissions are normally created after migrate; create them now to grant them.
    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Authors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="questions", codename__in=AUTHOR_PERMISSIONS)
    )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Authors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
