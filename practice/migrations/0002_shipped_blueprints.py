"""Ship the two blueprints: the full CPOA mock exam and a short Domain 2 sprint."""

from django.db import migrations

BLUEPRINTS = [
    {
        "slug": "cpoa-mock-exam",
        "name": "CPOA mock exam",
        "description": "60 scenario questions in 90 minutes, weighted like the real exam.",
        "minutes": 90,
        "question_count": 60,
        "target_percent": 70,
        "ordering": 1,
        "weights": {1: 10, 2: 15, 3: 15, 4: 15, 5: 15, 6: 15, 7: 15},
    },
    {
        "slug": "domain-2-sprint",
        "name": "Domain 2 sprint",
        "description": "15 Cultivate Customer Intimacy questions in 20 minutes.",
        "minutes": 20,
        "question_count": 15,
        "target_percent": 70,
        "ordering": 2,
        "weights": {2: 1},
    },
]


def forwards(apps, schema_editor):
    Blueprint = apps.get_model("practice", "Blueprint")
    BlueprintWeight = apps.get_model("practice", "BlueprintWeight")
    Domain = apps.get_model("questions", "Domain")
    for data in BLUEPRINTS:
        data = dict(data)
        weights = data.pop("weights")
        blueprint, _ = Blueprint.objects.update_or_create(slug=data.pop("slug"), defaults=data)
        for number, weight in weights.items():
            BlueprintWeight.objects.update_or_create(
                blueprint=blueprint, domain=Domain.objects.get(number=number), defaults={"weight": weight}
            )


def backwards(apps, schema_editor):
    apps.get_model("practice", "Blueprint").objects.filter(
        slug__in=[b["slug"] for b in BLUEPRINTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("questions", "0002_domains_and_authors_group"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
