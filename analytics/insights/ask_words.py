"""The words the Ask-your-data parser knows: comparisons, intents, filler, and how a column name is spelled
as words."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from analytics.insights.ask_where import Where

TOKEN = re.compile(r"\d+(?:\.\d+)?(?![a-z0-9])|[a-z0-9]+(?:'[a-z]+)?|[<>]=?|=|%")
# Words that carry no condition of their own; any other word must be used by a rule or it is reported.
FILLER = set("""a an the of in at on to for from with and who whom whose which what is are was were be been being
do does did have has had there their they them that those these this we our us i me my you your show tell give
list please all any view current currently students student pupils pupil children child kids learners people
only did get among where within""".split())
GENDER_WORDS = {"female": ("girl", "girls", "female", "females", "women", "woman"),
                "male": ("boy", "boys", "male", "males", "men", "man")}
EXAM_WORDS = ("scored", "score", "scores", "scoring", "got", "mark", "marks", "grade", "grades", "result", "results")
COMPARATORS = [(tuple(words.split()), op) for words, op in (
    ("no less than", ">="), ("not less than", ">="), ("no fewer than", ">="), ("no more than", "<="),
    ("not more than", "<="), ("less than", "<"), ("lower than", "<"), ("fewer than", "<"), ("smaller than", "<"),
    ("more than", ">"), ("greater than", ">"), ("higher than", ">"), ("at least", ">="), ("at most", "<="),
    ("up to", "<="), ("equal to", "=="), ("below", "<"), ("under", "<"), ("beneath", "<"), ("above", ">"),
    ("over", ">"), ("exactly", "=="), ("<", "<"), (">", ">"), ("<=", "<="), (">=", ">="), ("=", "=="))]
SUFFIXES = [(tuple(words.split()), op) for words, op in (
    ("or more", ">="), ("or above", ">="), ("or higher", ">="), ("or over", ">="), ("and above", ">="),
    ("and over", ">="), ("or less", "<="), ("or fewer", "<="), ("or below", "<="), ("or lower", "<="),
    ("or under", "<="), ("and below", "<="), ("and under", "<="))]
BEFORE_NUMBER = {"is", "was", "are", "were", "of", "that", "a", "an", "their", "with", "has", "have", "had"}
UNITS = {"hours", "hour", "points", "marks", "sessions", "session"}
AFTER_NUMBER = {"hours", "hour", "points", "point", "sessions", "session", "of", "in", "on"}
NEGATIONS = {"no", "not", "without", "don't", "doesn't", "didn't", "non", "never", "aren't", "isn't"}
SUPERLATIVES = {"lowest": "lowest", "highest": "highest", "least": "lowest", "most": "highest", "best": "highest",
                "worst": "lowest", "smallest": "lowest", "largest": "highest", "biggest": "highest"}
INTENTS = [(tuple(words.split()), intent) for words, intent in (
    ("what should we do", "support"), ("what can we do", "support"), ("what should i do", "support"),
    ("how can we help", "support"), ("how should we help", "support"), ("what would help", "support"),
    ("what support", "support"), ("what do you recommend", "support"), ("recommend", "support"),
    ("below the pass mark", "at_risk"), ("at risk", "at_risk"), ("falling short", "at_risk"),
    ("fall short", "at_risk"), ("how many", "count"), ("number of", "count"), ("count", "count"),
    ("what percentage of", "share"), ("what proportion of", "share"), ("what share of", "share"),
    ("percentage of", "share"), ("proportion of", "share"), ("compare", "compare"), ("difference", "compare"))]


@dataclass
class Parsed:
    intent: str | None = None  # count, share, stat, superlative, compare, at_risk, support
    where: Where = field(default_factory=Where)
    measure: str | None = None
    by: str | None = None
    stat: str = "mean"
    extreme: str | None = None  # lowest / highest
    compare: tuple[str, str, str] | None = None  # column, a, b
    ignored: list[str] = field(default_factory=list)  # words no rule used, in question order
    hints: list[str] = field(default_factory=list)


def name_tokens(name: str) -> tuple[str, ...]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return tuple(TOKEN.findall(spaced.replace("_", " ").lower()))


def same(word: str, name: str) -> bool:
    return word == name or (len(name) > 2 and word.rstrip("s") == name.rstrip("s"))
