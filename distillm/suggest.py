"""Did-you-mean suggestions for misspelled keys."""

from __future__ import annotations

from collections.abc import Iterable


def edit_distance(a: str, b: str) -> int:
    """Return the Damerau-Levenshtein distance (with adjacent swaps) between two strings."""
    previous_row: list[int] | None = None
    row = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        before_previous, previous_row = previous_row, row
        row = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            swapped = i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b
            if swapped and before_previous is not None:
                row[j] = min(row[j], before_previous[j - 2] + 1)
    return row[-1]


def closest_match(word: str, candidates: Iterable[str], max_distance: int = 2) -> str | None:
    """Return the candidate nearest to `word` within `max_distance` edits, if any.

    Short words allow one edit only, so that `id` does not suggest `tz`.
    """
    limit = max_distance if len(word) > 4 else 1
    best: tuple[int, str] | None = None
    for candidate in candidates:
        distance = edit_distance(word.lower(), candidate.lower())
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None
