"""Number conditions for the Ask-your-data parser: 'attendance below 70', 'scored 60 or more', 'between 60 and
70', 'at least 8 hours of sleep', 'above average'. A comparison with no numeric column next to it is left
unused, so the question is reported rather than answered about everyone."""
from __future__ import annotations

import numpy as np

from analytics.insights.ask_where import Range
from analytics.insights.ask_words import (
    AFTER_NUMBER,
    BEFORE_NUMBER,
    COMPARATORS,
    EXAM_WORDS,
    SUFFIXES,
    UNITS,
    name_tokens,
    same,
)


class NumberRules:
    """Mixed into the parser, which provides tokens, used, match, span helpers and the measure names."""

    def exam_word(self, i: int) -> bool:
        exam = self.analysis.exam_column
        return bool(exam) and exam in self.analysis.students and 0 <= i < len(self.tokens) and \
            not self.used[i] and self.tokens[i] in EXAM_WORDS

    def measure_before(self, i: int) -> tuple[int, str] | None:
        """The measure named just before token i, at most two linking words between: (start, column)."""
        j = i - 1
        for _ in range(3):
            if j < 0 or self.used[j]:
                return None
            found = self.span_ending(j, self.measure_names)
            if found:
                return found
            if self.exam_word(j):
                return j, self.analysis.exam_column
            if self.tokens[j] not in BEFORE_NUMBER:
                return None
            j -= 1
        return None

    def measure_after(self, i: int) -> tuple[int, str] | None:
        """The measure named just after position i: (end, column)."""
        for j in range(i, min(i + 3, len(self.tokens))):
            found = self.span_at(j, self.measure_names)
            if found:
                return found
            if self.used[j] or self.tokens[j] not in AFTER_NUMBER:
                return None
        return None

    def comparison_at(self, i: int) -> tuple[str, float, float | None, int, int] | None:
        """(op, value, high, start, end) for a comparison starting at token i."""
        if self.match(i, ("between",)) and self.number_at(i + 1) is not None and self.match(i + 2, ("and",)) \
                and self.number_at(i + 3) is not None:
            low, high = sorted((self.number_at(i + 1), self.number_at(i + 3)))
            return "between", low, high, i, i + 4
        for seq, op in COMPARATORS:
            if self.match(i, seq):
                value = self.number_at(i + len(seq))
                if value is not None:
                    return op, value, None, i, i + len(seq) + 1
                if self.match(i + len(seq), ("the", "average")) or self.match(i + len(seq), ("average",)):
                    words = 2 if self.tokens[i + len(seq)] == "the" else 1
                    return op, float("nan"), None, i, i + len(seq) + words
        value = self.number_at(i)
        if value is not None:
            for seq, op in SUFFIXES:
                if self.match(i + 1, seq) or (self.match(i + 1, ("%",)) and self.match(i + 2, seq)):
                    pct = int(self.tokens[i + 1] == "%")
                    return op, value, None, i, i + 1 + pct + len(seq)
        return None

    def numbers(self) -> None:
        i = 0
        while i < len(self.tokens):
            found = self.comparison_at(i)
            if not found:
                i += 1
                continue
            op, value, high, start, end = found
            pct = end < len(self.tokens) and not self.used[end] and self.tokens[end] in ("%", "percent")
            end += int(pct)
            before = self.measure_before(start) if start > 0 else None
            after = None if before else self.measure_after(end)
            if not (before or after):
                i = end
                continue
            column = before[1] if before else after[1]
            values = self.analysis.students[column].to_numpy(dtype=float)
            basis = ""
            if np.isnan(value):  # "above average": the mean of the students in view
                view = values if self.keep is None else values[self.keep]
                value, basis = round(float(np.nanmean(view)), 2), "the mean in view"
            elif pct and np.nanmax(values) <= 1.0:  # a 0-1 column asked about in per cent
                typed = f"{value:g}%" + ("" if high is None else f" and {high:g}%")
                value, high = value / 100, None if high is None else high / 100
                basis = f"{typed} read as a fraction, as the column holds"
            self.out.where.ranges.append(Range(column, op, value, high, basis))
            self.use(before[0] if before else start, end if before else after[0])
            self.use(start, end)
            unit = end < len(self.tokens) and not self.used[end] and self.tokens[end] in UNITS
            if before and unit and (self.tokens[end] in ("points", "marks") or
                                    any(same(self.tokens[end], w) for w in name_tokens(column))):
                self.use(end, end + 1)  # 'studied more than 20 hours'
            i = end
