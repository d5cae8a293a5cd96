from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_program_progression_opt_in"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="calendar_token_nonce",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
    ]
