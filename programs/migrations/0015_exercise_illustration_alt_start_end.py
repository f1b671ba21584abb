"""The library's new drawings show each exercise's start and end positions
(programs/library_drawings.py): the alt text says both."""

from django.db import migrations

NEW_ALT = {
    "glute-bridge": (
        "Start: lying on the back, knees bent, feet flat. End: hips lifted in a straight line from shoulders to knees."
    ),
    "single-leg-glute-bridge": (
        "Start: lying on the back, knees bent, one leg held straight. End: hips lifted on the bent leg, the straight leg in line with the thigh."
    ),
    "straight-leg-raise": (
        "Start: lying on the back, one knee bent, the other leg straight on the floor. End: the straight leg lifted to the height of the bent knee."
    ),
    "supine-march": (
        "Start: lying on the back, knees bent, feet flat. End: one foot lifted a little off the floor, knee still bent."
    ),
    "dead-bug": (
        "Start: lying on the back, arms reaching to the ceiling, hips and knees bent at right angles. End: one arm reaching overhead and the opposite leg stretched out, both just above the floor."
    ),
    "figure-4-stretch": (
        "Start: lying on the back, knees bent, one ankle crossed over the other knee. End: hands pull the lower thigh toward the chest, stretching the crossed leg's hip."
    ),
    "cat-cow": (
        "Start: on hands and knees, back gently dipped and head up. End: back rounded up toward the ceiling and head down."
    ),
    "side-lying-clam": (
        "Start: lying on one side, head on the lower arm, hips and knees bent, knees together. End: the top knee opened up toward the ceiling, feet still together."
    ),
    "standing-hip-flexor-stretch": (
        "Start: standing tall beside a wall, one hand on it. End: a short lunge, the back heel up, hips pushed forward to stretch the front of the back hip."
    ),
    "half-kneeling-hip-flexor-stretch": (
        "Start: kneeling on one knee, the other foot flat in front, body upright, hands on hips. End: hips pushed gently forward, body still upright."
    ),
}

OLD_ALT = {
    "standing-hip-flexor-stretch": (
        "A person standing in a short lunge, one hand on a wall, stretching the front of the back hip."
    ),
    "half-kneeling-hip-flexor-stretch": (
        "A person kneeling on one knee with the other foot forward, hips pushed gently forward."
    ),
    "glute-bridge": (
        "A person lying on their back with knees bent, hips lifted in a straight line from shoulders to knees."
    ),
    "single-leg-glute-bridge": (
        "A person in a bridge on one leg, the other leg held straight in line with the thigh."
    ),
    "straight-leg-raise": (
        "A person lying on their back, one knee bent, lifting the other straight leg."
    ),
    "supine-march": (
        "A person lying on their back with knees bent, lifting one foot slightly off the floor."
    ),
    "dead-bug": (
        "A person on their back with one arm reaching overhead and the opposite leg extended."
    ),
    "figure-4-stretch": (
        "A person lying on their back, one ankle crossed over the other knee, pulling the thigh toward the chest."
    ),
    "cat-cow": ("A person on hands and knees shown twice: back arched down, then rounded up."),
    "side-lying-clam": (
        "A person lying on their side with knees bent, lifting the top knee while the feet stay together."
    ),
}


def _set(apps, texts: dict[str, str]) -> None:
    Exercise = apps.get_model("programs", "Exercise")
    for slug, alt in texts.items():
        Exercise.objects.filter(slug=slug).update(illustration_alt=alt)


def forwards(apps, schema_editor):
    _set(apps, NEW_ALT)


def backwards(apps, schema_editor):
    _set(apps, OLD_ALT)


class Migration(migrations.Migration):
    dependencies = [("programs", "0014_push_reminders")]

    operations = [migrations.RunPython(forwards, backwards)]
