"""The one error type the analytics layer raises for input a person must fix."""
from __future__ import annotations


class DataError(ValueError):
    """A file that cannot be analysed. `str(err)` is one line a teacher can act on."""

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 row: int | None = None):
        self.message = message
        self.file = file
        self.column = column
        self.row = row
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = []
        if self.file:
            where.append(f"file '{self.file}'")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
