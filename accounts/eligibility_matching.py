"""How names are compared: one normal form for the roster and for what people type.

The normal form drops case, accents, punctuation, spaces and hyphens, so that
"García-López", "garcia lopez" and "GARCIA LÓPEZ" are the same name. The original
spelling is always kept beside it for display.
"""

import re
import unicodedata
from functools import lru_cache

_NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
_PART_SEPARATORS = re.compile("[\\s\\-\u2010\u2011\u2013\u2014_.,']+")

# Letters that do not decompose into a base letter plus an accent.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "œ": "oe",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",
    }
)


@lru_cache(maxsize=65536)  # rosters repeat names a lot; the cache stays small and bounded
def normalise_name(value: str) -> str:
    """The comparable form of a name: lower case ASCII letters and digits only."""
    folded = unicodedata.normalize("NFKD", value.casefold().translate(_SPECIAL))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_LETTER_OR_DIGIT.sub("", ascii_only)


def name_parts(value: str) -> list[str]:
    """The normalised parts of a compound name ("Smith-Jones" -> ["smith", "jones"])."""
    parts = (normalise_name(p) for p in _PART_SEPARATORS.split(value))
    return [p for p in parts if p]


def normalise_member_id(value: str) -> str:
    """Member IDs compare without case, spaces or dashes ("ab-12 3" == "AB123")."""
    return re.sub(r"[\s\-]+", "", value).upper()


def edit_distance(a: str, b: str, *, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


# Common English given-name variants. Both directions are checked.
_NICKNAME_GROUPS = [
    "alexander alex alec sandy xander",
    "alexandra alex alexa sandra sandy lexi",
    "andrew andy drew",
    "anthony tony",
    "benjamin ben benny",
    "catherine katherine kathryn kate katie cathy kathy kat",
    "charles charlie chuck chas",
    "christopher chris kit topher",
    "christina christine chris tina",
    "daniel dan danny",
    "david dave davey",
    "deborah debra deb debbie",
    "edward ed eddie ted ned",
    "elizabeth liz beth betty lizzie eliza libby",
    "francis frank frankie",
    "gregory greg",
    "james jim jimmy jamie",
    "jennifer jen jenny",
    "john jack johnny jon",
    "jonathan jon jonny",
    "joseph joe joey",
    "joshua josh",
    "kenneth ken kenny",
    "margaret maggie meg peggy marge",
    "matthew matt",
    "michael mike mikey mick",
    "nicholas nick nicky",
    "patricia pat patty trish",
    "patrick pat paddy",
    "rebecca becky becca",
    "richard rick rich dick richie",
    "robert rob bob bobby robbie bert",
    "samantha sam sammy",
    "samuel sam sammy",
    "stephen steven steve",
    "susan sue susie",
    "thomas tom tommy",
    "timothy tim timmy",
    "victoria vicky tori",
    "william will bill billy liam",
]
NICKNAMES: dict[str, set[str]] = {}
for _group in _NICKNAME_GROUPS:
    _names = _group.split()
    for _name in _names:
        NICKNAMES.setdefault(_name, set()).update(n for n in _names if n != _name)


def are_nickname_variants(a: str, b: str) -> bool:
    return b in NICKNAMES.get(a, ())
