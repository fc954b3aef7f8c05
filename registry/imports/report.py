"""What an import tells its user: every refused row with its field, or what it wrote."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One refusal: where in the file (``line 7``, ``grants[3]``), which field (as the file
    names it: a CSV column title or a JSON path), and why."""

    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.row}: {self.field}" if self.field else self.row
        return f"{where}: {self.message}"


class ImportRejected(Exception):
    """The file was refused as a whole; nothing was written. ``problems`` lists every
    refused row (or the one reason the file could not be read at all)."""

    def __init__(self, problems: list[Problem], *, rows: int) -> None:
        refused = len({problem.row for problem in problems})
        super().__init__(
            f"{refused} of {rows} row(s) refused; nothing was written"
            if rows
            else "the file could not be read; nothing was written"
        )
        self.problems = problems
        self.rows = rows


@dataclass
class Summary:
    """What a successful import wrote. ``skipped`` rows were already in the registry (same
    funder, same source id) and were left as they are; ``differences`` says where such a row
    disagrees with the registry, since an import never changes what is already published."""

    rows: int = 0
    created: int = 0
    skipped: int = 0
    organizations: int = 0
    competitions: int = 0
    competitions_skipped: int = 0
    events: int = 0
    events_skipped: int = 0
    ledger_size: int = 0
    differences: list[Problem] = field(default_factory=list)

    def describe(self) -> str:
        """One line for the person who ran the import."""
        parts = [f"{self.created} award(s) created, {self.skipped} already present"]
        if self.competitions or self.competitions_skipped:
            parts.append(
                f"{self.competitions} competition(s) created, "
                f"{self.competitions_skipped} already present"
            )
        parts.append(f"{self.events} event(s) added, {self.events_skipped} already present")
        parts.append(f"{self.organizations} organization(s) registered")
        return (
            f"imported {self.rows} row(s): "
            + "; ".join(parts)
            + (f"; the ledger has {self.ledger_size} entries")
        )
