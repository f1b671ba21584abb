"""Data: the exercise library, the psoas program template and the psoas article.

Every install gets them. Text written for a patient at home, in plain words.
"""

from django.db import migrations

EXERCISES = [
    {
        "slug": "standing-hip-flexor-stretch",
        "name": "Standing hip flexor stretch",
        "body_region": "hip",
        "difficulty": 1,
        "summary": "A gentle stretch for the front of the hip that you can do anywhere.",
        "instructions": (
            "Stand tall next to a wall or sturdy chair and rest one hand on it.\n"
            "Take a comfortable step back with one foot, keeping both feet pointing forward.\n"
            "Tuck your tailbone slightly under, as if zipping up tight jeans.\n"
            "Shift your weight gently forward until you feel a stretch at the front of the back hip.\n"
            "Breathe slowly and hold. Then switch sides."
        ),
        "safety_cues": (
            "Stop if you feel pinching in the front of the hip rather than a stretch.\n"
            "Keep your lower back still; do not lean back to go further.\n"
            "Stop and tell your PT if you feel tingling or numbness down the leg."
        ),
        "illustration_alt": "Start: standing tall beside a wall, one hand on it. End: a short lunge, the back heel up, hips pushed forward to stretch the front of the back hip.",
        "default_sets": 2,
        "default_hold_seconds": 30,
        "default_per_side": True,
        "default_sessions_per_week": 7,
    },
    {
        "slug": "half-kneeling-hip-flexor-stretch",
        "name": "Half-kneeling hip flexor stretch",
        "body_region": "hip",
        "difficulty": 2,
        "summary": "The key psoas stretch: lengthens the front of the hip from a kneeling position.",
        "instructions": (
            "Kneel on one knee on a cushion or folded towel, the other foot flat in front of you.\n"
            "Keep your chest up and your hips square, facing forward.\n"
            "Squeeze the buttock of the kneeling side and tuck your tailbone under.\n"
            "Move your hips slowly forward until you feel a stretch at the front of the kneeling hip.\n"
            "Hold while breathing slowly, then switch sides."
        ),
        "safety_cues": (
            "Use padding under the knee; stop if the kneecap hurts.\n"
            "Do not arch your lower back to get a bigger stretch.\n"
            "Stop if the stretch turns into sharp pain or pinching."
        ),
        "illustration_alt": "Start: kneeling on one knee, the other foot flat in front, body upright, hands on hips. End: hips pushed gently forward, body still upright.",
        "default_sets": 2,
        "default_hold_seconds": 30,
        "default_per_side": True,
        "default_sessions_per_week": 7,
    },
    {
        "slug": "glute-bridge",
        "name": "Glute bridge",
        "body_region": "glutes",
        "difficulty": 1,
        "summary": "Strengthens the buttocks, which share the work the psoas often takes over.",
        "instructions": (
            "Lie on your back with knees bent and feet flat, hip-width apart.\n"
            "Rest your arms by your sides, palms down.\n"
            "Tighten your stomach gently and squeeze your buttocks.\n"
            "Push through your heels to lift your hips until your body is in a line from shoulders to knees.\n"
            "Pause for a breath at the top, then lower slowly."
        ),
        "safety_cues": (
            "Lift with your buttocks, not by arching your lower back.\n"
            "Stop if you feel cramping in the back of the thigh; move your feet a little closer.\n"
            "Stop if your back pain gets worse during the exercise."
        ),
        "illustration_alt": "Start: lying on the back, knees bent, feet flat. End: hips lifted in a straight line from shoulders to knees.",
        "default_sets": 2,
        "default_reps": 10,
        "default_per_side": False,
        "default_sessions_per_week": 5,
    },
    {
        "slug": "single-leg-glute-bridge",
        "name": "Single-leg glute bridge",
        "body_region": "glutes",
        "difficulty": 3,
        "summary": "A harder bridge that works one side at a time.",
        "instructions": (
            "Lie on your back with knees bent and feet flat.\n"
            "Straighten one leg, keeping the knees level with each other.\n"
            "Push through the heel of the bent leg and lift your hips.\n"
            "Keep your hips level; do not let one side drop.\n"
            "Lower slowly. Finish the set, then switch legs."
        ),
        "safety_cues": (
            "Go back to the two-leg bridge if your hips tilt or your back arches.\n"
            "Stop if you feel pain in the lower back or hip joint."
        ),
        "illustration_alt": "Start: lying on the back, knees bent, one leg held straight. End: hips lifted on the bent leg, the straight leg in line with the thigh.",
        "default_sets": 2,
        "default_reps": 8,
        "default_per_side": True,
        "default_sessions_per_week": 3,
    },
    {
        "slug": "straight-leg-raise",
        "name": "Straight leg raise",
        "body_region": "hip",
        "difficulty": 2,
        "summary": "Builds control of the hip flexors and the front of the thigh without strain.",
        "instructions": (
            "Lie on your back. Bend one knee with that foot flat; keep the other leg straight.\n"
            "Tighten the thigh muscle of the straight leg so the knee is fully straight.\n"
            "Lift the straight leg slowly to the height of the bent knee.\n"
            "Pause, then lower it slowly to the floor.\n"
            "Finish the set, then switch legs."
        ),
        "safety_cues": (
            "Keep your lower back resting on the floor; the bent leg helps with this.\n"
            "Stop if you feel a pull or pain in the lower back or groin."
        ),
        "illustration_alt": "Start: lying on the back, one knee bent, the other leg straight on the floor. End: the straight leg lifted to the height of the bent knee.",
        "default_sets": 2,
        "default_reps": 10,
        "default_per_side": True,
        "default_sessions_per_week": 3,
    },
    {
        "slug": "supine-march",
        "name": "Supine march",
        "body_region": "core",
        "difficulty": 1,
        "summary": "Teaches your deep stomach muscles to steady the spine while the hip moves.",
        "instructions": (
            "Lie on your back with knees bent and feet flat.\n"
            "Gently draw your belly button toward your spine, keeping normal breathing.\n"
            "Slowly lift one foot a few centimetres off the floor, keeping the knee bent.\n"
            "Put it down with control and lift the other foot.\n"
            "Keep your pelvis still, as if balancing a glass of water on it."
        ),
        "safety_cues": (
            "Move slowly; speed hides wobble.\n"
            "Do not hold your breath.\n"
            "Stop if your lower back pain increases."
        ),
        "illustration_alt": "Start: lying on the back, knees bent, feet flat. End: one foot lifted a little off the floor, knee still bent.",
        "default_sets": 2,
        "default_reps": 10,
        "default_per_side": True,
        "default_sessions_per_week": 5,
    },
    {
        "slug": "dead-bug",
        "name": "Dead bug",
        "body_region": "core",
        "difficulty": 2,
        "summary": "A core exercise that trains the stomach to hold the back steady as arms and legs move.",
        "instructions": (
            "Lie on your back. Lift your knees over your hips, bent at a right angle, and reach your arms to the ceiling.\n"
            "Press your lower back gently into the floor.\n"
            "Slowly lower one arm overhead and straighten the opposite leg toward the floor.\n"
            "Go only as far as you can while keeping your back flat.\n"
            "Return to the start and switch sides."
        ),
        "safety_cues": (
            "If your lower back lifts off the floor, make the movement smaller.\n"
            "Breathe out as you reach; do not hold your breath.\n"
            "Stop if you feel pain in the back or neck."
        ),
        "illustration_alt": "Start: lying on the back, arms reaching to the ceiling, hips and knees bent at right angles. End: one arm reaching overhead and the opposite leg stretched out, both just above the floor.",
        "default_sets": 2,
        "default_reps": 8,
        "default_per_side": True,
        "default_sessions_per_week": 3,
    },
    {
        "slug": "figure-4-stretch",
        "name": "Figure-4 stretch",
        "body_region": "glutes",
        "difficulty": 1,
        "summary": "Stretches the deep muscles of the buttock and the outside of the hip.",
        "instructions": (
            "Lie on your back with both knees bent.\n"
            "Cross one ankle over the opposite knee, making a figure 4.\n"
            "Hold the back of the thigh of the lower leg and gently draw it toward your chest.\n"
            "Stop when you feel a stretch deep in the buttock of the crossed leg.\n"
            "Hold while breathing slowly, then switch sides."
        ),
        "safety_cues": (
            "Keep your head and shoulders relaxed on the floor.\n"
            "Stop if you feel pain in the knee of the crossed leg or in the hip joint."
        ),
        "illustration_alt": "Start: lying on the back, knees bent, one ankle crossed over the other knee. End: hands pull the lower thigh toward the chest, stretching the crossed leg's hip.",
        "default_sets": 2,
        "default_hold_seconds": 30,
        "default_per_side": True,
        "default_sessions_per_week": 7,
    },
    {
        "slug": "cat-cow",
        "name": "Cat-cow",
        "body_region": "lower_back",
        "difficulty": 1,
        "summary": "Gently moves the whole spine to ease stiffness in the lower back.",
        "instructions": (
            "Start on hands and knees, hands under shoulders and knees under hips.\n"
            "Breathe in and let your stomach sink as you lift your chest and tailbone.\n"
            "Breathe out and round your back toward the ceiling, tucking your chin and tailbone.\n"
            "Move slowly between the two positions, staying within a comfortable range."
        ),
        "safety_cues": (
            "Put a cushion under your knees if they are sore.\n"
            "Keep the movement smooth; never force the end of the range.\n"
            "Stop if you feel sharp pain or pain spreading into a leg."
        ),
        "illustration_alt": "Start: on hands and knees, back gently dipped and head up. End: back rounded up toward the ceiling and head down.",
        "default_sets": 1,
        "default_reps": 10,
        "default_per_side": False,
        "default_sessions_per_week": 7,
    },
    {
        "slug": "side-lying-clam",
        "name": "Side-lying clam",
        "body_region": "glutes",
        "difficulty": 1,
        "summary": "Strengthens the side of the hip, which keeps the pelvis steady when you walk.",
        "instructions": (
            "Lie on your side with hips and knees bent and your feet together.\n"
            "Rest your head on your arm or a pillow and stack your hips one above the other.\n"
            "Keeping your feet touching, lift the top knee like a clam shell opening.\n"
            "Lift only as far as you can without rolling your hips back.\n"
            "Lower slowly. Finish the set, then turn over."
        ),
        "safety_cues": (
            "Keep your hips stacked; rolling back means the wrong muscles are working.\n"
            "Stop if you feel pain at the side of the hip you are lying on; add a pillow under it."
        ),
        "illustration_alt": "Start: lying on one side, head on the lower arm, hips and knees bent, knees together. End: the top knee opened up toward the ceiling, feet still together.",
        "default_sets": 2,
        "default_reps": 12,
        "default_per_side": True,
        "default_sessions_per_week": 3,
    },
]

VARIANTS = {
    # slug: (regression, progression)
    "standing-hip-flexor-stretch": (None, "half-kneeling-hip-flexor-stretch"),
    "half-kneeling-hip-flexor-stretch": ("standing-hip-flexor-stretch", None),
    "glute-bridge": (None, "single-leg-glute-bridge"),
    "single-leg-glute-bridge": ("glute-bridge", None),
    "supine-march": (None, "dead-bug"),
    "dead-bug": ("supine-march", None),
    "straight-leg-raise": ("supine-march", None),
}

TEMPLATE_ITEMS = [
    # slug, sets, reps, hold, per_side, sessions/week
    ("half-kneeling-hip-flexor-stretch", 2, None, 30, True, 7),
    ("glute-bridge", 2, 10, None, False, 5),
    ("straight-leg-raise", 2, 10, None, True, 3),
    ("supine-march", 2, 10, None, True, 5),
    ("dead-bug", 2, 8, None, True, 3),
    ("figure-4-stretch", 2, None, 30, True, 7),
    ("cat-cow", 1, 10, None, False, 7),
    ("side-lying-clam", 2, 12, None, True, 3),
]

ARTICLE_BODY = """The psoas is a long, deep muscle that joins your lower back to the top of your thigh bone. It starts at the sides of the lumbar vertebrae, runs down through the pelvis in front of the hip joint, and attaches to the inside of the upper thigh. With a partner muscle, the iliacus, it is your main hip flexor: it lifts your knee toward your chest and helps hold your spine and pelvis steady when you stand and walk.

## Why sitting shortens it

When you sit, your hip is bent and the psoas rests in a shortened position. Muscles adapt to the positions we spend the most time in. After years of long days at a desk, in a car or on a sofa, the psoas and the other hip flexors can become short and stiff, and the muscles that oppose them, such as the buttocks, can become weak from lack of use.

## What tightness can lead to

A short, tight psoas pulls on the lower spine and tips the pelvis forward. That can increase the curve of the lower back and load its joints, which many people feel as an ache in the lower back after standing or walking. It can also cause a sense of tightness or pinching at the front of the hip, discomfort deep in the groin or pelvis, and a posture where the hips stay slightly bent when you stand. Because the buttocks often weaken at the same time, the lower back ends up doing work it was not built for.

## How stretching and strengthening help

Regular, gentle stretching lets the hip flexors get used to a longer position again; it works best little and often, held for about half a minute while breathing slowly. Strengthening the buttocks and the deep stomach muscles gives the pelvis and spine the support that a tight psoas was trying to provide. Together, these usually ease pain and stiffness over a few weeks. Progress is gradual: doing a short program most days matters more than doing a hard one now and then.

## When to see a clinician

Tell your physical therapist if your pain keeps getting worse, spreads down a leg, or wakes you at night. Seek medical care straight away if you have loss of control of your bladder or bowels, numbness around the groin or inner thighs, weakness in a leg that is getting worse, fever with back pain, unexplained weight loss, or pain after a fall or injury. These are uncommon, but they need a doctor rather than exercise."""


def seed(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    ProgramTemplate = apps.get_model("programs", "ProgramTemplate")
    ProgramTemplateItem = apps.get_model("programs", "ProgramTemplateItem")
    Article = apps.get_model("programs", "Article")
    by_slug = {}
    for data in EXERCISES:
        fields = {**data, "illustration": f"img/exercises/{data['slug']}.svg"}
        slug = fields.pop("slug")
        by_slug[slug], _ = Exercise.objects.update_or_create(slug=slug, defaults=fields)
    for slug, (regression, progression) in VARIANTS.items():
        exercise = by_slug[slug]
        exercise.regression = by_slug[regression] if regression else None
        exercise.progression = by_slug[progression] if progression else None
        exercise.save(update_fields=["regression", "progression"])
    template, _ = ProgramTemplate.objects.update_or_create(
        slug="psoas",
        defaults={
            "name": "Psoas and hip flexor program",
            "condition": "Hip flexor (psoas) tightness with low-back or hip pain",
            "description": (
                "Stretches for the front of the hip and the buttock, with strength work for the "
                "buttocks and deep stomach muscles. About 15 minutes a day."
            ),
        },
    )
    for order, (slug, sets, reps, hold, per_side, per_week) in enumerate(TEMPLATE_ITEMS, start=1):
        ProgramTemplateItem.objects.update_or_create(
            template=template,
            exercise=by_slug[slug],
            defaults={
                "order": order,
                "sets": sets,
                "reps": reps,
                "hold_seconds": hold,
                "per_side": per_side,
                "sessions_per_week": per_week,
            },
        )
    Article.objects.update_or_create(
        slug="psoas",
        defaults={
            "title": "Your psoas: why it tightens and how exercise helps",
            "summary": "What the psoas is, why long sitting shortens it, and what eases it.",
            "body": ARTICLE_BODY,
            "published": True,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("programs", "ProgramTemplate").objects.filter(slug="psoas").delete()
    apps.get_model("programs", "Article").objects.filter(slug="psoas").delete()
    Exercise = apps.get_model("programs", "Exercise")
    slugs = [e["slug"] for e in EXERCISES]
    Exercise.objects.filter(slug__in=slugs).update(regression=None, progression=None)
    Exercise.objects.filter(slug__in=slugs).delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
