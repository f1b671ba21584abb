"""Which exercises the intake's "PT review before start" answers rule out, and what replaces
them. Applied when a program template is assigned (programs.services.plans); the PT sees the
change in the version's summary and may tailor the plan afterwards. Reasons and sources in
docs/pathway.md. Keyed by the library's exercise slugs (programs/migrations/0002)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Precaution:
    flag: str
    reason: str
    remove: frozenset[str]
    swap: dict[str, str]


# Positions with deep hip bending, crossing or twisting, or kneeling on the operated hip.
HIP_REPLACEMENT = Precaution(
    flag="hip_replacement",
    reason="hip replacement precautions (no deep hip bending, crossing or twisting; no "
    "kneeling on the operated side)",
    remove=frozenset({"figure-4-stretch"}),
    swap={"half-kneeling-hip-flexor-stretch": "standing-hip-flexor-stretch"},
)
# Lying flat on the back for long is advised against in pregnancy after the first trimester.
PREGNANCY = Precaution(
    flag="pregnancy",
    reason="pregnancy (no exercises lying flat on the back)",
    remove=frozenset(
        {
            "glute-bridge",
            "single-leg-glute-bridge",
            "straight-leg-raise",
            "supine-march",
            "dead-bug",
            "figure-4-stretch",
        }
    ),
    swap={},
)
PRECAUTIONS = (HIP_REPLACEMENT, PREGNANCY)


def precautions_for(flags: list[str]) -> list[Precaution]:
    return [p for p in PRECAUTIONS if p.flag in flags]


def apply_precautions(
    slugs: list[str], precautions: list[Precaution], names: dict[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """The template's exercise slugs with the ruled-out ones removed or swapped, in order and
    without duplicates, and the plain-language lines saying what changed and why."""
    names = names or {}
    result: list[str] = []
    lines: list[str] = []
    for slug in slugs:
        current: str | None = slug
        for p in precautions:
            if current in p.swap:
                lines.append(
                    f"{names.get(current, current)} replaced by "
                    f"{names.get(p.swap[current], p.swap[current])} because of {p.reason}."
                )
                current = p.swap[current]
            if current in p.remove:
                lines.append(f"{names.get(current, current)} left out because of {p.reason}.")
                current = None
                break
        if current is not None and current not in result:
            result.append(current)
    return result, lines
