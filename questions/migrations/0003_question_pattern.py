
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0002_domains_and_authors_group'),
    ]

    operations = [
        migrations.AddField(
            model_name='question',
            name='pattern',
            field=models.SlugField(blank=True, help_text="The item's archetype (e.g. say-do-gap); a mock holds at most one item of each.", max_length=60),
        ),
    ]
