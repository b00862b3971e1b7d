"""The blueprints that ship with the site, installed by a data migration (and by test fixtures)."""

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


def install_blueprints(apps) -> None:
    """Create or update the shipped blueprints; `apps` is a migration's or django.apps.apps."""
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
