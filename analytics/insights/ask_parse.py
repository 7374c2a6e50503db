"""The deterministic parser behind Ask your data: a question becomes an intent, the students it is about (a
Where) and the columns it names. Every word is accounted for: a word no rule used is reported back, so a
question is never answered as if it were a broader one."""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

from analytics.insights.ask_numbers import NumberRules
from analytics.insights.ask_where import groupings, levels, measures, yes_no
from analytics.insights.ask_words import (
    FILLER,
    GENDER_WORDS,
    INTENTS,
    NEGATIONS,
    SUPERLATIVES,
    TOKEN,
    Parsed,
    name_tokens,
    same,
)
from analytics.results import TRAJECTORY, Analysis


class Parser(NumberRules):
    def __init__(self, analysis: Analysis, question: str, keep: np.ndarray | None):
        self.analysis, self.keep = analysis, keep
        self.tokens = TOKEN.findall(question.lower())
        self.used = [False] * len(self.tokens)
        self.out = Parsed()
        columns = set(groupings(analysis).values()) | set(measures(analysis).values())
        stems = Counter(w.rstrip("s") for c in columns for w in set(name_tokens(c)))
        # a word of a column's name that no other column's name holds names it alone ('sleep', 'studied')
        self.aliases = {w: c for c in columns if len(name_tokens(c)) > 1 for w in name_tokens(c)
                        if stems[w.rstrip("s")] == 1 and w not in FILLER and not w.isdigit()}
        self.measure_names = self.names(measures(analysis))
        self.group_names = self.names(groupings(analysis))
        self.levels: dict[str, list[tuple[tuple[str, ...], str]]] = {
            column: [(name_tokens(v), v) for v in levels(self.analysis, column)]
            for column in set(groupings(analysis).values())}

    def names(self, found: dict[str, str]) -> dict[tuple[str, ...], str]:
        """Word sequences that name each column: its own name, its role, and its first word when no other
        column starts with it (so 'sleep' names Sleep_Hours but 'parental' names nothing)."""
        out = {name_tokens(c): c for c in found.values()}
        for role, column in self.analysis.mapping.items():
            if column in found.values():
                out.setdefault(name_tokens(role), column)
        for key in ("persona", "trajectory", "gender", "sex", "school"):
            if key in found:
                out.setdefault((key,), found[key])
        if "schooltype" in found:
            out.setdefault(("school", "type"), found["schooltype"])
        for word, column in self.aliases.items():
            if column in found.values():
                out.setdefault((word,), column)
        out.pop((), None)
        return out

    # token helpers
    def free(self, start: int, end: int) -> bool:
        return 0 <= start <= end <= len(self.tokens) and not any(self.used[start:end])

    def match(self, i: int, seq: tuple[str, ...]) -> bool:
        return bool(seq) and self.free(i, i + len(seq)) and all(same(self.tokens[i + k], w) for k, w in enumerate(seq))

    def use(self, start: int, end: int) -> None:
        for k in range(start, end):
            self.used[k] = True

    def number_at(self, i: int) -> float | None:
        if i < len(self.tokens) and not self.used[i] and re.fullmatch(r"\d+(?:\.\d+)?", self.tokens[i]):
            return float(self.tokens[i])
        return None

    def span_at(self, i: int, names: dict) -> tuple[int, str] | None:
        for seq in sorted(names, key=len, reverse=True):
            if self.match(i, seq):
                return i + len(seq), names[seq]
        return None

    def span_ending(self, j: int, names: dict) -> tuple[int, str] | None:
        for seq in sorted(names, key=len, reverse=True):
            if self.match(j - len(seq) + 1, seq):
                return j - len(seq) + 1, names[seq]
        return None

    # rules, in the order they claim words
    def intents(self) -> None:
        for i in range(len(self.tokens)):
            for seq, intent in INTENTS:
                if self.match(i, seq):
                    self.use(i, i + len(seq))
                    # the first intent named wins; a later one stays to be used or reported
                    self.out.intent = self.out.intent or intent
                    break

    def assign(self, column: str, value: str) -> None:
        values = self.out.where.categories.setdefault(column, [])
        if value not in values:
            values.append(value)

    def people(self) -> None:
        gender = self.analysis.gender_column
        if gender and gender in self.analysis.students:
            spelled = levels(self.analysis, gender)
            for i, word in enumerate(self.tokens):
                for target, synonyms in GENDER_WORDS.items():
                    hits = [v for v in spelled if v.lower() in (target, target[0])]
                    if word in synonyms and not self.used[i] and hits:
                        self.use(i, i + 1)
                        for v in hits:
                            self.assign(gender, v)
        if TRAJECTORY in self.analysis.students and self.analysis.trajectories:
            for i in range(len(self.tokens)):
                for words, pick in ((("weakest", "lowest", "worst"), min), (("strongest", "highest", "best"), max)):
                    if self.tokens[i] in words and self.match(i + 1, ("trajectory",)):
                        self.use(i, i + 2)
                        self.assign(TRAJECTORY, pick(self.analysis.trajectories, key=lambda t: t.mean_exam_score).name)

    def level_at(self, i: int, column: str) -> tuple[int, str] | None:
        return self.span_at(i, {seq: v for seq, v in self.levels.get(column, [])})

    def level_ending(self, j: int, column: str) -> tuple[int, str] | None:
        return self.span_ending(j, {seq: v for seq, v in self.levels.get(column, [])})

    def chains(self) -> None:
        """Values next to the column they belong to: 'low or medium motivation', 'school type is private'."""
        for seq in sorted(self.group_names, key=len, reverse=True):
            column = self.group_names[seq]
            for i in range(len(self.tokens)):
                if not self.match(i, seq):
                    continue
                got, k = [], i + len(seq)
                while k < len(self.tokens) and not self.used[k] and self.tokens[k] in ("is", "are", "=", "level"):
                    k += 1
                while (found := self.level_at(k, column)):
                    got.append((k, found[0], found[1]))
                    k = found[0] + 1 if self.tokens[found[0]:found[0] + 1] in (["and"], ["or"]) else len(self.tokens)
                k = i - 1
                while (found := self.level_ending(k, column)):
                    got.append((found[0], k + 1, found[1]))
                    k = found[0] - 2 if found[0] > 0 and self.tokens[found[0] - 1] in ("and", "or") else -1
                if got:
                    got.sort()
                    lo, hi = min(g[0] for g in got), max(g[1] for g in got)
                    self.use(min(lo, i), max(hi, i + len(seq)))
                    for _, _, value in got:
                        self.assign(column, value)

    def unique_levels(self) -> None:
        owners: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for column, spelled in self.levels.items():
            for seq, value in spelled:
                owners.setdefault(seq, []).append((column, value))
        for seq in sorted(owners, key=len, reverse=True):
            if len(seq) == 1 and (len(seq[0]) < 2 or seq[0] in FILLER):
                continue
            for i in range(len(self.tokens)):
                if not self.match(i, seq):
                    continue
                if len(owners[seq]) == 1:
                    self.use(i, i + len(seq))
                    self.assign(*owners[seq][0])
                else:
                    self.out.hints.append(f"'{' '.join(seq)}' is a value of {', '.join(c for c, _ in owners[seq])}:"
                                          " name the column next to it (e.g. 'low motivation')")
        for i, word in enumerate(self.tokens):  # 'public or private': one column, either value
            if word == "or" and not self.used[i] and 0 < i < len(self.tokens) - 1 and self.used[i - 1] and \
                    self.used[i + 1] and self.same_column(i - 1, i + 1):
                self.use(i, i + 1)

    def same_column(self, a: int, b: int) -> bool:
        left, right = self.tokens[a], self.tokens[b]
        return any(any(left in seq for seq, _ in spelled) and any(right in seq for seq, _ in spelled)
                   for spelled in self.levels.values())

    def yes_no_columns(self) -> None:
        """'have FSM', 'without internet access', 'not EAL': a yes/no column named on its own."""
        names = {seq: c for seq, c in {**self.group_names, **self.measure_names}.items() if yes_no(self.analysis, c)}
        for i in range(len(self.tokens)):
            found = self.span_at(i, names)
            if not found:
                continue
            end, column = found
            yes, no = yes_no(self.analysis, column)
            j, negated = i - 1, False
            while j >= 0 and not self.used[j] and self.tokens[j] in ("have", "has", "any", "a", "an", "do", "does"):
                j -= 1
            if j >= 0 and not self.used[j] and self.tokens[j] in NEGATIONS:
                self.use(j, j + 1)
                negated = True
            self.use(i, end)
            self.assign(column, no if negated else yes)

    def questions(self) -> None:
        """What to compute: a grouping ('by persona', 'which school type'), a superlative, a statistic, the
        measure it is of, and the two groups of a comparison."""
        out = self.out
        for i, word in enumerate(self.tokens):
            skip = 1 if word in ("by", "per", "across") else 2 if word in ("for", "in") and \
                self.match(i + 1, ("each",)) else 0
            found = self.span_at(i + skip, self.group_names) if skip and not self.used[i] else None
            if found:
                out.by = found[1]
                self.use(i, found[0])
        extreme = next((k for k, w in enumerate(self.tokens) if not self.used[k] and w in SUPERLATIVES), None)
        for i, word in enumerate(self.tokens):
            found = self.span_at(i + 1, self.group_names) if word in ("which", "what") and not self.used[i] else None
            if found and extreme is not None and out.intent in (None, "superlative"):
                out.by, out.extreme, out.intent = found[1], SUPERLATIVES[self.tokens[extreme]], "superlative"
                self.use(i, found[0])
                self.use(extreme, extreme + 1)
                break
        for i, word in enumerate(self.tokens):
            if word in ("average", "mean", "median") and not self.used[i]:
                out.stat = "median" if word == "median" else "mean"
                # 'average number of tutoring sessions' asks for a mean, not a count
                out.intent = "stat" if out.intent in (None, "count") else out.intent
                self.use(i, i + 1)
        if out.intent in ("stat", "superlative", "compare"):
            for i in range(len(self.tokens)):
                found = self.span_at(i, self.measure_names)
                if found:
                    out.measure = found[1]
                    self.use(i, found[0])
                    break
                if self.exam_word(i):
                    out.measure = self.analysis.exam_column
                    self.use(i, i + 1)
                    break
        if out.intent == "compare":
            pairs = [(c, v) for c, v in out.where.categories.items() if len(v) == 2]
            if pairs:
                column, (a, b) = pairs[0]
                out.compare, out.where = (column, a, b), out.where.without(column)
                for i, word in enumerate(self.tokens):
                    if word in ("between", "vs", "versus") and not self.used[i]:
                        self.use(i, i + 1)

    def parse(self) -> Parsed:
        self.intents()
        self.numbers()
        self.people()
        self.chains()
        self.unique_levels()
        self.yes_no_columns()
        self.questions()
        self.out.ignored = [w for w, u in zip(self.tokens, self.used) if not u and w not in FILLER]
        return self.out


def parse(analysis: Analysis, question: str, keep: np.ndarray | None = None) -> Parsed:
    return Parser(analysis, question[:500], keep).parse()
