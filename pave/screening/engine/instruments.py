"""Instruments: dimensions of graded indicators and ordered outcomes, validated on construction
and precomputed into an outcome table over every reachable dimension state."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pave.screening.engine.errors import InstrumentError, UnknownIndicator
from pave.screening.engine.expressions import KEYWORDS, NAME, PREDICATES, Expression
from pave.screening.engine.rules import DIMENSION_RULES
from pave.screening.engine.translations import (
    SOURCE_LANGUAGE,
    Translations,
    check_translations,
    language_of,
    no_translations,
    translated,
)

STRENGTHS = ("strong", "medium", "weak")
STRENGTH_INDEX = {name: i for i, name in enumerate(STRENGTHS)}
# The load-time coverage check walks up to 2**(n+2) dimension states; real instruments have 2-8.
MAX_DIMENSIONS = 16


@dataclass(frozen=True)
class Indicator:
    """``labels`` holds the label's translations (ISO 639-1 code -> text); display only, so
    not part of equality."""

    code: str
    strength: str
    label: str
    dimension: str
    labels: Translations = field(default_factory=no_translations, compare=False)

    def label_in(self, lang: str | None) -> str:
        """The label in ``lang`` (a language tag such as ``"ar"`` or ``"ar-LB"``), else English."""
        return translated(self.label, self.labels, lang)


@dataclass(frozen=True)
class Dimension:
    code: str
    title: str
    indicators: tuple[Indicator, ...]
    titles: Translations = field(default_factory=no_translations, compare=False)

    def title_in(self, lang: str | None) -> str:
        """The title in ``lang`` (a language tag), else English."""
        return translated(self.title, self.titles, lang)


@dataclass(frozen=True)
class Outcome:
    code: str
    when: Expression
    label: str
    labels: Translations = field(default_factory=no_translations, compare=False)

    def label_in(self, lang: str | None) -> str:
        """The label in ``lang`` (a language tag), else English."""
        return translated(self.label, self.labels, lang)


@dataclass(frozen=True)
class Instrument:
    """One version of a screening instrument, validated and precomputed on construction.

    Raises InstrumentError when the definition is inconsistent, including outcomes that leave
    some reachable combination of positive dimensions without an outcome.
    """

    code: str
    version: int
    title: str
    dimension_rule: str
    dimensions: tuple[Dimension, ...]
    outcomes: tuple[Outcome, ...]
    derived_from: tuple[str, int] | None = None
    source: str | None = field(default=None, compare=False)
    titles: Translations = field(default_factory=no_translations, compare=False)
    indicators: Mapping[str, Indicator] = field(init=False, repr=False, compare=False)
    # code -> (position in instrument order, slot = 3 * dimension index + strength index)
    _index: Mapping[str, tuple[int, int]] = field(init=False, repr=False, compare=False)
    _codes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _dimension_of: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _positive: Callable[[int, int, int], bool] = field(init=False, repr=False, compare=False)
    _outcome_by_state: Mapping[int, Outcome] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_header(self)
        _check_dimensions(self)
        indicators = [i for d in self.dimensions for i in d.indicators]
        dimension_index = {d.code: n for n, d in enumerate(self.dimensions)}
        index = {
            i.code: (pos, 3 * dimension_index[i.dimension] + STRENGTH_INDEX[i.strength])
            for pos, i in enumerate(indicators)
        }
        _set = functools.partial(object.__setattr__, self)
        _set("indicators", MappingProxyType({i.code: i for i in indicators}))
        _set("_index", index)
        _set("_codes", tuple(i.code for i in indicators))
        _set("_dimension_of", tuple(dimension_index[i.dimension] for i in indicators))
        _set("_positive", DIMENSION_RULES[self.dimension_rule].positive)
        _set("_outcome_by_state", _outcome_table(self))

    @property
    def label(self) -> str:
        """``code vN``, as used in messages."""
        return f"{self.code} v{self.version}"

    def title_in(self, lang: str | None) -> str:
        """The title in ``lang`` (a language tag such as ``"fr"`` or ``"fr-CA"``), else English."""
        return translated(self.title, self.titles, lang)

    def outcome(self, code: str) -> Outcome | None:
        """The outcome with ``code``, or None."""
        return next((o for o in self.outcomes if o.code == code), None)

    def languages(self) -> frozenset[str]:
        """Every language some title or label of the instrument is translated to."""
        found = set(self.titles)
        for dimension in self.dimensions:
            found.update(dimension.titles)
            for indicator in dimension.indicators:
                found.update(indicator.labels)
        for outcome in self.outcomes:
            found.update(outcome.labels)
        return frozenset(found)

    def untranslated(self, lang: str) -> tuple[str, ...]:
        """What has no translation to ``lang`` (a language tag): ``"title"``, ``"dimension
        CODE"``, ``"indicator CODE"`` and ``"outcome CODE"``, in instrument order; empty for
        English."""
        lang = language_of(lang)
        if lang == SOURCE_LANGUAGE:
            return ()
        missing = [] if lang in self.titles else ["title"]
        for dimension in self.dimensions:
            if lang not in dimension.titles:
                missing.append(f"dimension {dimension.code}")
            missing += [f"indicator {i.code}" for i in dimension.indicators if lang not in i.labels]
        missing += [f"outcome {o.code}" for o in self.outcomes if lang not in o.labels]
        return tuple(missing)

    def indicator(self, code: str) -> Indicator:
        """The indicator with ``code``; raises UnknownIndicator if there is none."""
        try:
            return self.indicators[code]
        except KeyError:
            raise UnknownIndicator(f"unknown indicator {code!r} for {self.label}", code) from None

    def state(self, counts: list[int]) -> int:
        """Bit i set when dimension i is positive, bit n when a strong indicator is observed,
        bit n+1 when any indicator is observed (n is the number of dimensions).

        Precondition: ``counts[3*i : 3*i+3]`` are the strong/medium/weak counts of dimension i.
        """
        positive = self._positive
        state = 0
        bit = 1
        for i in range(0, len(counts), 3):
            if positive(counts[i], counts[i + 1], counts[i + 2]):
                state |= bit
            bit <<= 1
        if any(counts[0::3]):
            state |= bit
        return state | bit << 1 if any(counts) else state


def _check_header(instrument: Instrument) -> None:
    if not isinstance(instrument.code, str) or not instrument.code.strip():
        raise InstrumentError(f"'code' must be a non-empty string, got {instrument.code!r}")
    version = instrument.version
    if type(version) is not int or version < 1:
        raise InstrumentError(f"{instrument.code}: 'version' must be a positive integer")
    if not isinstance(instrument.title, str) or not instrument.title.strip():
        raise InstrumentError(f"{instrument.label}: 'title' must be a non-empty string")
    check_translations(instrument.label, "titles", "title", instrument.titles)
    if instrument.dimension_rule not in DIMENSION_RULES:
        known = ", ".join(DIMENSION_RULES)
        raise InstrumentError(
            f"{instrument.label}: unknown dimension_rule {instrument.dimension_rule!r}"
            f" (known: {known})"
        )


def _check_dimensions(instrument: Instrument) -> None:
    where = instrument.label
    if not instrument.dimensions or len(instrument.dimensions) > MAX_DIMENSIONS:
        raise InstrumentError(f"{where}: needs 1 to {MAX_DIMENSIONS} dimensions")
    seen_dimensions: set[str] = set()
    seen_indicators: set[str] = set()
    for dimension in instrument.dimensions:
        code = dimension.code
        if not isinstance(code, str) or not NAME.fullmatch(code) or code in KEYWORDS + PREDICATES:
            raise InstrumentError(
                f"{where}: dimension code {code!r} must be a name (letters, digits, _)"
                f" other than {'/'.join(KEYWORDS + PREDICATES)}"
            )
        if code in seen_dimensions:
            raise InstrumentError(f"{where}: duplicate dimension code {code!r}")
        seen_dimensions.add(code)
        check_translations(f"{where}: dimension {code!r}", "titles", "title", dimension.titles)
        if not dimension.indicators:
            raise InstrumentError(f"{where}: dimension {code!r} has no indicators")
        for indicator in dimension.indicators:
            _check_indicator(where, dimension, indicator, seen_indicators)
    _check_outcomes(instrument, seen_dimensions)


def _check_indicator(
    where: str, dimension: Dimension, indicator: Indicator, seen: set[str]
) -> None:
    code = indicator.code
    if not isinstance(code, str) or not code.strip():
        raise InstrumentError(f"{where}: indicator code must be a non-empty string, got {code!r}")
    if code in seen:
        raise InstrumentError(f"{where}: duplicate indicator code {code!r}")
    seen.add(code)
    if indicator.strength not in STRENGTH_INDEX:
        raise InstrumentError(
            f"{where}: indicator {code!r} has unknown strength {indicator.strength!r}"
            " (known: strong, medium, weak)"
        )
    if indicator.dimension != dimension.code:
        raise InstrumentError(f"{where}: indicator {code!r} is not marked as in {dimension.code!r}")
    if not isinstance(indicator.label, str):
        raise InstrumentError(f"{where}: indicator {code!r} needs a text label")
    check_translations(f"{where}: indicator {code!r}", "labels", "label", indicator.labels)


def _check_outcomes(instrument: Instrument, dimension_codes: set[str]) -> None:
    where = instrument.label
    if not instrument.outcomes:
        raise InstrumentError(f"{where}: needs at least one outcome")
    seen: set[str] = set()
    for outcome in instrument.outcomes:
        if not isinstance(outcome.code, str) or not outcome.code.strip():
            raise InstrumentError(f"{where}: outcome code must be a non-empty string")
        if outcome.code in seen:
            raise InstrumentError(f"{where}: duplicate outcome code {outcome.code!r}")
        seen.add(outcome.code)
        check_translations(f"{where}: outcome {outcome.code!r}", "labels", "label", outcome.labels)
        unknown = sorted(outcome.when.names() - dimension_codes - set(PREDICATES))
        if unknown:
            raise InstrumentError(
                f"{where}: outcome {outcome.code!r} uses unknown dimension code {unknown[0]!r}"
            )


def _reachable_states(instrument: Instrument) -> list[int]:
    """Every state (see :meth:`Instrument.state`) some answer set can produce."""
    positive = DIMENSION_RULES[instrument.dimension_rule].positive
    strong_bit = 1 << len(instrument.dimensions)
    observed_bit = strong_bit << 1
    states = {0}
    for i, dimension in enumerate(instrument.dimensions):
        n = Counter(indicator.strength for indicator in dimension.indicators)
        pairs = {
            ((1 << i) if positive(s, m, w) else 0)
            | (strong_bit if s else 0)
            | (observed_bit if s + m + w else 0)
            for s in range(n["strong"] + 1)
            for m in range(n["medium"] + 1)
            for w in range(n["weak"] + 1)
        }
        states = {state | pair for state in states for pair in pairs}
    return sorted(states)


def _outcome_table(instrument: Instrument) -> Mapping[int, Outcome]:
    """Map every reachable state to its outcome (the first whose ``when`` holds).

    Precomputing turns each assessment's outcome into one dict lookup, and proves at load time
    that no answer set can fall through the list of outcomes.
    """
    n = len(instrument.dimensions)
    masks = {d.code: 1 << i for i, d in enumerate(instrument.dimensions)}
    masks.update(any_positive=(1 << n) - 1, any_strong=1 << n, any_observed=1 << (n + 1))
    rules = [(outcome, outcome.when.compile(masks)) for outcome in instrument.outcomes]
    table: dict[int, Outcome] = {}
    for state in _reachable_states(instrument):
        outcome = next((outcome for outcome, holds in rules if holds(state)), None)
        if outcome is None:
            raise InstrumentError(
                f"{instrument.label}: no outcome holds when {_describe_state(instrument, state)};"
                " add an outcome that covers this case"
            )
        table[state] = outcome
    return MappingProxyType(table)


def _describe_state(instrument: Instrument, state: int) -> str:
    positive = [d.code for i, d in enumerate(instrument.dimensions) if state >> i & 1]
    strong = state >> len(instrument.dimensions) & 1
    observed = state >> (len(instrument.dimensions) + 1) & 1
    dims = "dimensions " + ", ".join(positive) + " are positive" if positive else "none is positive"
    weaker = ", but a medium or weak one is" if observed and not strong else ""
    return f"{dims} and {'a' if strong else 'no'} strong indicator is observed{weaker}"
