"""Assessing one answer set against an instrument, and explaining the outcome."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pave.screening.engine.errors import AnswerError, UnknownIndicator
from pave.screening.engine.instruments import Instrument, Outcome
from pave.screening.engine.rules import DIMENSION_RULES


@dataclass(frozen=True)
class DimensionResult:
    code: str
    title: str
    positive: bool
    strong: int
    medium: int
    weak: int
    observed: tuple[str, ...]
    reason: str | None


class Assessment:
    """The result of :func:`assess`: outcome, per-dimension counts, and an explanation."""

    __slots__ = ("instrument", "outcome", "_counts", "_observed", "_unanswered", "_state")

    def __init__(
        self,
        instrument: Instrument,
        outcome: Outcome,
        counts: list[int],
        observed: list[int],
        unanswered: list[int],
        state: int,
    ) -> None:
        self.instrument = instrument
        self.outcome = outcome
        self._counts = counts
        self._observed = observed
        self._unanswered = unanswered
        self._state = state

    @property
    def observed(self) -> tuple[str, ...]:
        """Observed indicator codes, in instrument order."""
        codes = self.instrument._codes
        return tuple(codes[pos] for pos in self._observed)

    @property
    def unanswered(self) -> tuple[str, ...]:
        """Codes answered null (not asked / unknown), in instrument order."""
        codes = self.instrument._codes
        return tuple(codes[pos] for pos in self._unanswered)

    @property
    def positive_dimensions(self) -> tuple[str, ...]:
        return tuple(
            d.code for i, d in enumerate(self.instrument.dimensions) if self._state >> i & 1
        )

    def _observed_by_dimension(self) -> list[list[str]]:
        instrument = self.instrument
        grouped: list[list[str]] = [[] for _ in instrument.dimensions]
        for pos in self._observed:
            grouped[instrument._dimension_of[pos]].append(instrument._codes[pos])
        return grouped

    def dimension_results(self) -> tuple[DimensionResult, ...]:
        reason = DIMENSION_RULES[self.instrument.dimension_rule].reason
        results = []
        grouped = self._observed_by_dimension()
        for i, dimension in enumerate(self.instrument.dimensions):
            s, m, w = self._counts[3 * i : 3 * i + 3]
            why = reason(s, m, w)
            results.append(
                DimensionResult(
                    dimension.code,
                    dimension.title,
                    bool(self._state >> i & 1),
                    s,
                    m,
                    w,
                    tuple(grouped[i]),
                    why,
                )
            )
        return tuple(results)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON-ready result of the request contract (dimensions in instrument order).

        ``outcome_label`` is English unless ``lang`` (a language tag) names a language the
        outcome is translated to; codes are never translated."""
        counts = self._counts
        grouped = self._observed_by_dimension()
        dimensions = {
            d.code: {
                "positive": bool(self._state >> i & 1),
                "strong": counts[3 * i],
                "medium": counts[3 * i + 1],
                "weak": counts[3 * i + 2],
                "observed": grouped[i],
            }
            for i, d in enumerate(self.instrument.dimensions)
        }
        return {
            "instrument": self.instrument.code,
            "version": self.instrument.version,
            "outcome": self.outcome.code,
            "outcome_label": self.outcome.label_in(lang) if lang else self.outcome.label,
            "dimensions": dimensions,
            "unanswered": list(self.unanswered),
        }

    def explanation(self) -> list[str]:
        """Human-readable reasons: the outcome's rule, then why each dimension with an observed
        indicator is (or is not) positive, then the observed indicators when none made a
        dimension positive (the ``follow_up`` case), then what was left unanswered."""
        outcome = self.outcome
        lines = [
            f"Outcome {outcome.code!r} ({outcome.label}): first rule that holds is "
            f"'{outcome.when}'."
        ]
        indicators = self.instrument.indicators
        for result in self.dimension_results():
            if not result.observed:
                continue
            seen = "; ".join(
                f"{code} [{indicators[code].strength}] {indicators[code].label}"
                for code in result.observed
            )
            verdict = f"positive: {result.reason}" if result.positive else "not positive"
            lines.append(f"{result.code} ({result.title}) is {verdict}. Observed: {seen}.")
        if not self._observed:
            lines.append("No indicator was observed.")
        elif not self._state & (1 << len(self.instrument.dimensions)) - 1:
            lines.append(
                "No dimension is positive, but indicators were observed: "
                + ", ".join(self.observed)
                + "."
            )
        if self._unanswered:
            lines.append(
                "Not asked or unknown (counted as not observed): "
                + ", ".join(self.unanswered)
                + "."
            )
        return lines

    def __repr__(self) -> str:
        return f"<Assessment {self.instrument.label} {self.outcome.code}>"


def json_text(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def assess(instrument: Instrument, answers: Mapping[str, bool | None]) -> Assessment:
    """Assess ``answers`` (indicator code -> True observed / False or absent not observed /
    None not asked) against ``instrument``.

    Raises UnknownIndicator for a code outside the instrument and AnswerError for a value that
    is not exactly True, False or None (1, 0 and strings are refused, not coerced).
    """
    index = instrument._index
    counts = [0] * (3 * len(instrument.dimensions))
    observed: list[int] = []
    unanswered: list[int] = []
    for code, value in answers.items():
        entry = index.get(code)
        if entry is None:
            raise UnknownIndicator(f"unknown indicator {code!r} for {instrument.label}", code)
        if value is True:
            observed.append(entry[0])
            counts[entry[1]] += 1
        elif value is None:
            unanswered.append(entry[0])
        elif value is not False:
            raise AnswerError(
                f"answer for {code!r} must be true, false or null, got {json_text(value)}", code
            )
    observed.sort()
    unanswered.sort()
    state = instrument.state(counts)
    return Assessment(
        instrument, instrument._outcome_by_state[state], counts, observed, unanswered, state
    )
