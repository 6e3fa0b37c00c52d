"""Victim-screening engine: instruments are versioned data, an assessment is a pure function.

An instrument (ILO/EC 2009 operational indicators, ICLS 2018 forced labour, or one an
organisation adds) is a YAML file: dimensions of graded indicators, a dimension rule, and an
ordered list of outcomes whose ``when`` is a small boolean expression over dimension codes.
The spec is ``screening-instruments.yaml`` (see docs/screening.md); the shipped copies live in
``instruments/`` next to this module.

Titles and labels are English; an instrument may carry translations of them next to the English
text (``titles`` / ``labels``: ISO 639-1 code -> text). They are display data only: assessing
never reads them, and ``title_in`` / ``label_in`` pick one, falling back to English.

This module has no Django imports so that it can be tested and benchmarked alone; the CLI
(``pave screen``) and the API (``POST /api/v1/screening/assess``) call :func:`assess_batch`.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

SHIPPED_DIRECTORY = Path(__file__).resolve().parent / "instruments"
STRENGTHS = ("strong", "medium", "weak")
PREDICATES = ("any_positive", "any_strong")
KEYWORDS = ("and", "or", "not")
# The load-time coverage check walks up to 2**(n+1) dimension states; real instruments have 2-8.
MAX_DIMENSIONS = 16
# Deeper nesting than this is a mistake, and refusing it keeps the parser off Python's stack limit.
MAX_EXPRESSION_DEPTH = 64
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRENGTH_INDEX = {name: i for i, name in enumerate(STRENGTHS)}
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The language of every ``title`` and ``label``; translations are keyed by other codes.
SOURCE_LANGUAGE = "en"
# ISO 639-1: the codes a translation may be keyed by (two letters; ``bh`` is deprecated).
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
    hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
    lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
    or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
    ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()
)


# --------------------------------------------------------------------------- errors


class ScreeningError(Exception):
    """Base class of every error raised by the screening engine."""


class InstrumentError(ScreeningError):
    """An instrument file or definition is invalid (the message says where and why)."""


class UnknownInstrument(InstrumentError, LookupError):
    """No instrument (or no such version of it) is registered."""


class ExpressionError(InstrumentError):
    """A ``when`` expression cannot be parsed or names something unknown."""


class AnswerError(ScreeningError, ValueError):
    """An answer set does not fit the instrument; ``code`` is the offending indicator code."""

    def __init__(self, message: str, code: object) -> None:
        super().__init__(message)
        self.code = code


class UnknownIndicator(AnswerError, LookupError):
    """An indicator code is not part of the instrument."""


class ScreeningRequestError(ScreeningError, ValueError):
    """A screening request is malformed; the one-line message names the offending key."""

    def __init__(self, message: str, key: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


# --------------------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Name:
    """A dimension code or one of the predicates ``any_positive`` / ``any_strong``."""

    name: str


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]


Node = Name | Not | And | Or
Predicate = Callable[[int], bool]


def _tokenize(source: str) -> list[tuple[str, int]]:
    """Split ``source`` into (token, position) pairs: names and parentheses only."""
    tokens: list[tuple[str, int]] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char.isspace():
            pos += 1
        elif char in "()":
            tokens.append((char, pos))
            pos += 1
        else:
            match = _NAME.match(source, pos)
            if match is None:
                raise ExpressionError(f"unexpected character {char!r} at position {pos}")
            tokens.append((match.group(), pos))
            pos = match.end()
    return tokens


class _Parser:
    """Recursive descent over ``or := and ('or' and)*``, ``and := not ('and' not)*``,
    ``not := 'not' not | atom``, ``atom := NAME | '(' or ')'`` (so not > and > or)."""

    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0
        self.end = len(source)

    def peek(self) -> str | None:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else None

    def where(self) -> str:
        pos = self.tokens[self.index][1] if self.index < len(self.tokens) else self.end
        return f"at position {pos}"

    def take(self) -> str:
        token = self.tokens[self.index][0]
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("empty expression")
        node = self.parse_or()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()!r} {self.where()}")
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while self.peek() == "or":
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_not()]
        while self.peek() == "and":
            self.take()
            operands.append(self.parse_not())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_not(self) -> Node:
        if self.peek() == "not":
            self.take()
            return Not(self.nested(self.parse_not))
        return self.parse_atom()

    def parse_atom(self) -> Node:
        lookahead = self.peek()
        if lookahead == "(":
            self.take()
            node = self.nested(self.parse_or)
            if self.peek() != ")":
                raise ExpressionError(f"expected ')' {self.where()}")
            self.take()
            return node
        if lookahead is None or lookahead == ")" or lookahead in KEYWORDS:
            got = "end of expression" if lookahead is None else repr(lookahead)
            raise ExpressionError(f"expected a name, 'not' or '(' {self.where()}, got {got}")
        return Name(self.take())

    def nested(self, parse: Callable[[], Node]) -> Node:
        self.depth += 1
        if self.depth > MAX_EXPRESSION_DEPTH:
            raise ExpressionError(f"expression nested deeper than {MAX_EXPRESSION_DEPTH}")
        node = parse()
        self.depth -= 1
        return node


def _names(node: Node) -> Iterator[str]:
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, Not):
        yield from _names(node.operand)
    else:
        for operand in node.operands:
            yield from _names(operand)


def _compile(node: Node, masks: Mapping[str, int]) -> Predicate:
    """Turn ``node`` into a closure over a state bit set (see :meth:`Instrument.state`)."""
    if isinstance(node, Name):
        mask = masks[node.name]
        return lambda state: state & mask != 0
    if isinstance(node, Not):
        operand = _compile(node.operand, masks)
        return lambda state: not operand(state)
    parts = tuple(_compile(operand, masks) for operand in node.operands)
    if isinstance(node, And):
        return lambda state: all(part(state) for part in parts)
    return lambda state: any(part(state) for part in parts)


@dataclass(frozen=True)
class Expression:
    """A parsed ``when`` expression; ``source`` is the text it was parsed from."""

    source: str
    tree: Node

    def names(self) -> frozenset[str]:
        """Every dimension code and predicate the expression mentions."""
        return frozenset(_names(self.tree))

    def compile(self, masks: Mapping[str, int]) -> Predicate:
        """Precondition: ``masks`` maps every name in :meth:`names` to a bit mask."""
        return _compile(self.tree, masks)

    def __str__(self) -> str:
        return self.source


def parse_expression(source: str, names: Collection[str] | None = None) -> Expression:
    """Parse ``source`` without eval(); with ``names``, also reject names not among them
    (the predicates ``any_positive`` and ``any_strong`` are always allowed)."""
    if not isinstance(source, str):
        raise ExpressionError(f"expression must be a string, got {source!r}")
    expression = Expression(source, _Parser(source).parse())
    if names is not None:
        unknown = sorted(expression.names() - set(names) - set(PREDICATES))
        if unknown:
            known = ", ".join([*names, *PREDICATES])
            raise ExpressionError(f"unknown name {unknown[0]!r} in {source!r} (known: {known})")
    return expression


# --------------------------------------------------------------------------- dimension rules


def delphi_reason(strong: int, medium: int, weak: int) -> str | None:
    """Why a dimension is positive under the ILO/EC 2009 Delphi rule, or None if it is not.

    Preconditions: counts of observed indicators of each strength, all >= 0.
    """
    if strong >= 2:
        return "2 or more strong indicators"
    if strong >= 1 and medium + weak >= 1:
        return "a strong indicator with a medium or weak one"
    if medium >= 3:
        return "3 or more medium indicators"
    if medium >= 2 and weak >= 1:
        return "2 medium indicators with a weak one"
    return None


def delphi_positive(strong: int, medium: int, weak: int) -> bool:
    """The Delphi rule (same branches as :func:`delphi_reason`, kept apart for speed)."""
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def any_reason(strong: int, medium: int, weak: int) -> str | None:
    """Why a dimension is positive under the ``any`` rule, or None if it is not."""
    return "at least one indicator" if strong + medium + weak >= 1 else None


def any_rule_positive(strong: int, medium: int, weak: int) -> bool:
    """The ``any`` rule: one observed indicator of whatever strength suffices."""
    return strong + medium + weak >= 1


@dataclass(frozen=True)
class DimensionRule:
    name: str
    positive: Callable[[int, int, int], bool]
    reason: Callable[[int, int, int], str | None]


DIMENSION_RULES: Mapping[str, DimensionRule] = MappingProxyType(
    {
        "delphi": DimensionRule("delphi", delphi_positive, delphi_reason),
        "any": DimensionRule("any", any_rule_positive, any_reason),
    }
)


# --------------------------------------------------------------------------- translations

Translations = Mapping[str, str]
NO_TRANSLATIONS: Translations = MappingProxyType({})


def _no_translations() -> Translations:
    return NO_TRANSLATIONS


def language_of(tag: str | None) -> str:
    """The primary language of a language tag, lower case: ``"ar-LB"`` and ``"ar_LB"`` give
    ``"ar"``; None or ``""`` give ``""`` (which every lookup reads as English)."""
    if not tag:
        return ""
    return tag.replace("_", "-", 1).partition("-")[0].lower()


def translated(text: str, translations: Translations, lang: str | None) -> str:
    """``translations``' text for ``lang`` (a language tag), else the English ``text``."""
    if not lang or not translations:
        return text
    return translations.get(language_of(lang), text)


def _check_translations(where: str, key: str, english_key: str, translations: object) -> None:
    """``translations`` maps ISO 639-1 codes other than ``en`` to non-empty texts."""
    if not isinstance(translations, Mapping):
        raise InstrumentError(f"{where}: {key!r} must map language codes to texts")
    for lang, text in translations.items():
        if isinstance(lang, bool):
            raise InstrumentError(
                f"{where}: {key!r} has the language code {lang!r}: quote the code"
                " (YAML reads an unquoted no, yes, on or off as true or false)"
            )
        if not isinstance(lang, str) or lang not in ISO_639_1:
            raise InstrumentError(
                f"{where}: {key!r} has unknown language code {lang!r}"
                " (use a lower-case two-letter ISO 639-1 code such as 'ar' or 'fr')"
            )
        if lang == SOURCE_LANGUAGE:
            raise InstrumentError(
                f"{where}: {key!r} must not hold {lang!r}: the English text is {english_key!r}"
            )
        if not isinstance(text, str) or not text.strip():
            raise InstrumentError(
                f"{where}: {key!r} text for {lang!r} must be a non-empty string, got {text!r}"
            )


# --------------------------------------------------------------------------- instruments


@dataclass(frozen=True)
class Indicator:
    """``labels`` holds the label's translations (ISO 639-1 code -> text); display only, so
    not part of equality."""

    code: str
    strength: str
    label: str
    dimension: str
    labels: Translations = field(default_factory=_no_translations, compare=False)

    def label_in(self, lang: str | None) -> str:
        """The label in ``lang`` (a language tag such as ``"ar"`` or ``"ar-LB"``), else English."""
        return translated(self.label, self.labels, lang)


@dataclass(frozen=True)
class Dimension:
    code: str
    title: str
    indicators: tuple[Indicator, ...]
    titles: Translations = field(default_factory=_no_translations, compare=False)

    def title_in(self, lang: str | None) -> str:
        """The title in ``lang`` (a language tag), else English."""
        return translated(self.title, self.titles, lang)


@dataclass(frozen=True)
class Outcome:
    code: str
    when: Expression
    label: str
    labels: Translations = field(default_factory=_no_translations, compare=False)

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
    titles: Translations = field(default_factory=_no_translations, compare=False)
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
            i.code: (pos, 3 * dimension_index[i.dimension] + _STRENGTH_INDEX[i.strength])
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
        """Bit i set when dimension i is positive, bit n when a strong indicator is observed.

        Precondition: ``counts[3*i : 3*i+3]`` are the strong/medium/weak counts of dimension i.
        """
        positive = self._positive
        state = 0
        bit = 1
        for i in range(0, len(counts), 3):
            if positive(counts[i], counts[i + 1], counts[i + 2]):
                state |= bit
            bit <<= 1
        return state | bit if any(counts[0::3]) else state


def _check_header(instrument: Instrument) -> None:
    if not isinstance(instrument.code, str) or not instrument.code.strip():
        raise InstrumentError(f"'code' must be a non-empty string, got {instrument.code!r}")
    version = instrument.version
    if type(version) is not int or version < 1:
        raise InstrumentError(f"{instrument.code}: 'version' must be a positive integer")
    if not isinstance(instrument.title, str) or not instrument.title.strip():
        raise InstrumentError(f"{instrument.label}: 'title' must be a non-empty string")
    _check_translations(instrument.label, "titles", "title", instrument.titles)
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
        if not isinstance(code, str) or not _NAME.fullmatch(code) or code in KEYWORDS + PREDICATES:
            raise InstrumentError(
                f"{where}: dimension code {code!r} must be a name (letters, digits, _)"
                " other than and/or/not/any_positive/any_strong"
            )
        if code in seen_dimensions:
            raise InstrumentError(f"{where}: duplicate dimension code {code!r}")
        seen_dimensions.add(code)
        _check_translations(f"{where}: dimension {code!r}", "titles", "title", dimension.titles)
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
    if indicator.strength not in _STRENGTH_INDEX:
        raise InstrumentError(
            f"{where}: indicator {code!r} has unknown strength {indicator.strength!r}"
            " (known: strong, medium, weak)"
        )
    if indicator.dimension != dimension.code:
        raise InstrumentError(f"{where}: indicator {code!r} is not marked as in {dimension.code!r}")
    if not isinstance(indicator.label, str):
        raise InstrumentError(f"{where}: indicator {code!r} needs a text label")
    _check_translations(f"{where}: indicator {code!r}", "labels", "label", indicator.labels)


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
        _check_translations(f"{where}: outcome {outcome.code!r}", "labels", "label", outcome.labels)
        unknown = sorted(outcome.when.names() - dimension_codes - set(PREDICATES))
        if unknown:
            raise InstrumentError(
                f"{where}: outcome {outcome.code!r} uses unknown dimension code {unknown[0]!r}"
            )


def _reachable_states(instrument: Instrument) -> list[int]:
    """Every state (see :meth:`Instrument.state`) some answer set can produce."""
    positive = DIMENSION_RULES[instrument.dimension_rule].positive
    strong_bit = 1 << len(instrument.dimensions)
    states = {0}
    for i, dimension in enumerate(instrument.dimensions):
        n = Counter(indicator.strength for indicator in dimension.indicators)
        pairs = {
            ((1 << i) if positive(s, m, w) else 0) | (strong_bit if s else 0)
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
    masks.update(any_positive=(1 << n) - 1, any_strong=1 << n)
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
    dims = "dimensions " + ", ".join(positive) + " are positive" if positive else "none is positive"
    return f"{dims} and {'a' if strong else 'no'} strong indicator is observed"


# --------------------------------------------------------------------------- loading


def _require(raw: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in raw:
        raise InstrumentError(f"{where}: missing key {key!r}")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise InstrumentError(f"{where}: {key!r} has the wrong type ({value!r})")
    return value


def _check_keys(raw: object, allowed: Collection[str], where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise InstrumentError(f"{where}: expected a mapping, got {raw!r}")
    unknown = [key for key in raw if key not in allowed]
    if unknown:
        raise InstrumentError(f"{where}: unknown key {unknown[0]!r}")
    return raw


def _translations(raw: Mapping[str, Any], key: str, where: str) -> Translations:
    """The optional ``key`` (``titles`` or ``labels``) of ``raw``, read only; its codes and
    texts are checked with the rest of the instrument."""
    if key not in raw:
        return NO_TRANSLATIONS
    value = raw[key]
    if not isinstance(value, dict):
        raise InstrumentError(f"{where}: {key!r} must map language codes to texts, got {value!r}")
    return MappingProxyType(dict(value))


def _parse_dimension(raw: object, where: str) -> Dimension:
    raw = _check_keys(raw, ("code", "title", "titles", "indicators"), f"{where}: dimension")
    code = _require(raw, "code", str, f"{where}: dimension")
    where = f"{where}: dimension {code!r}"
    indicators = []
    for item in _require(raw, "indicators", list, where):
        item = _check_keys(item, ("code", "strength", "label", "labels"), f"{where}: indicator")
        indicator_code = _require(item, "code", str, f"{where}: indicator")
        indicators.append(
            Indicator(
                code=indicator_code,
                strength=_require(item, "strength", str, f"{where}: indicator"),
                label=_require(item, "label", str, f"{where}: indicator"),
                dimension=code,
                labels=_translations(item, "labels", f"{where}: indicator {indicator_code!r}"),
            )
        )
    return Dimension(
        code,
        _require(raw, "title", str, where),
        tuple(indicators),
        _translations(raw, "titles", where),
    )


def _parse_outcomes(
    raw: object, dimensions: tuple[Dimension, ...], where: str
) -> tuple[Outcome, ...]:
    if not isinstance(raw, list):
        raise InstrumentError(f"{where}: 'outcomes' must be a list")
    names = [d.code for d in dimensions]
    outcomes = []
    for item in raw:
        item = _check_keys(item, ("code", "when", "label", "labels"), f"{where}: outcome")
        code = _require(item, "code", str, f"{where}: outcome")
        try:
            when = parse_expression(_require(item, "when", str, f"{where}: outcome"), names)
        except ExpressionError as error:
            raise InstrumentError(f"{where}: outcome {code!r}: {error}") from None
        label = _require(item, "label", str, f"{where}: outcome")
        labels = _translations(item, "labels", f"{where}: outcome {code!r}")
        outcomes.append(Outcome(code, when, label, labels))
    return tuple(outcomes)


def _code_list(raw: Mapping[str, Any], key: str, where: str) -> list[str]:
    codes = raw.get(key, [])
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise InstrumentError(f"{where}: {key!r} must be a list of indicator codes")
    repeated = [code for code, n in Counter(codes).items() if n > 1]
    if repeated:
        raise InstrumentError(f"{where}: {key!r} lists {repeated[0]!r} twice")
    return codes


def derive_dimensions(
    base: Instrument, changes: Mapping[str, Any], where: str
) -> tuple[Dimension, ...]:
    """Apply a ``child`` section to ``base``: drop ``remove``, make ``promote_to_strong`` strong,
    then turn every remaining weak indicator into ``weak_becomes`` (when given). Titles, labels
    and their translations are the base's."""
    changes = _check_keys(changes, ("promote_to_strong", "weak_becomes", "remove"), where)
    promote = set(_code_list(changes, "promote_to_strong", where))
    remove = set(_code_list(changes, "remove", where))
    weak_becomes = changes.get("weak_becomes", "weak")
    if weak_becomes not in _STRENGTH_INDEX:
        raise InstrumentError(f"{where}: unknown strength {weak_becomes!r} for 'weak_becomes'")
    for code in sorted((promote | remove) - base.indicators.keys()):
        raise InstrumentError(f"{where}: indicator {code!r} is not in base {base.label}")
    for code in sorted(promote & remove):
        raise InstrumentError(f"{where}: indicator {code!r} is both promoted and removed")
    dimensions = []
    for dimension in base.dimensions:
        indicators = []
        for indicator in dimension.indicators:
            if indicator.code in remove:
                continue
            strength = "strong" if indicator.code in promote else indicator.strength
            strength = weak_becomes if strength == "weak" else strength
            indicators.append(
                Indicator(
                    indicator.code, strength, indicator.label, dimension.code, indicator.labels
                )
            )
        dimensions.append(
            Dimension(dimension.code, dimension.title, tuple(indicators), dimension.titles)
        )
    return tuple(dimensions)


_BASE_KEYS = ("code", "version", "title", "titles", "dimension_rule", "dimensions", "outcomes")
_DERIVED_KEYS = (
    "code",
    "version",
    "title",
    "titles",
    "derived_from",
    "derived_from_version",
    "dimension_rule",
    "child",
    "outcomes",
)


def _base_reference(raw: Mapping[str, Any], where: str) -> tuple[str, int | None]:
    code = _require(raw, "derived_from", str, where)
    version = raw.get("derived_from_version")
    if version is not None and (type(version) is not int or version < 1):
        raise InstrumentError(f"{where}: 'derived_from_version' must be a positive integer")
    return code, version


def build_instrument(
    raw: object, base: Instrument | None = None, source: str | None = None
) -> Instrument:
    """Build one instrument from its parsed YAML mapping.

    Precondition: when ``raw`` has ``derived_from``, ``base`` is the instrument it names.
    """
    where = source or "instrument"
    derived = isinstance(raw, dict) and "derived_from" in raw
    raw = _check_keys(raw, _DERIVED_KEYS if derived else _BASE_KEYS, where)
    code = _require(raw, "code", str, where)
    where = f"{where}: {code}"
    version = _require(raw, "version", int, where)
    if derived:
        if base is None:
            raise InstrumentError(f"{where}: base instrument {raw['derived_from']!r} not given")
        dimensions = derive_dimensions(base, raw.get("child") or {}, f"{where}: child")
        rule = (
            _require(raw, "dimension_rule", str, where)
            if "dimension_rule" in raw
            else base.dimension_rule
        )
        outcomes = (
            _parse_outcomes(raw["outcomes"], dimensions, where)
            if "outcomes" in raw
            else base.outcomes
        )
    else:
        dimensions = tuple(
            _parse_dimension(d, where) for d in _require(raw, "dimensions", list, where)
        )
        rule = _require(raw, "dimension_rule", str, where)
        outcomes = _parse_outcomes(_require(raw, "outcomes", list, where), dimensions, where)
    try:
        return Instrument(
            code=code,
            version=version,
            title=_require(raw, "title", str, where),
            dimension_rule=rule,
            dimensions=dimensions,
            outcomes=outcomes,
            derived_from=(base.code, base.version) if derived and base else None,
            source=source,
            titles=_translations(raw, "titles", where),
        )
    except InstrumentError as error:
        raise InstrumentError(f"{source}: {error}" if source else str(error)) from None


def _read_file(path: Path) -> list[object]:
    """The instrument mappings in ``path``: one instrument, or a spec-like ``instruments:`` list."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InstrumentError(f"{path}: cannot read instrument file: {error}") from None
    if isinstance(data, dict) and set(data) == {"instruments"}:
        data = data["instruments"]
        if not isinstance(data, list):
            raise InstrumentError(f"{path}: 'instruments' must be a list")
        return data
    if not isinstance(data, dict):
        raise InstrumentError(f"{path}: expected an instrument mapping")
    return [data]


class InstrumentRegistry:
    """Instruments by code and version. Mutated only by :meth:`add` / :meth:`add_directory`."""

    def __init__(self, instruments: Iterable[Instrument] = ()) -> None:
        self._by_code: dict[str, dict[int, Instrument]] = {}
        for instrument in instruments:
            self.add(instrument)

    def add(self, instrument: Instrument) -> None:
        """Register ``instrument``; a second definition of the same code and version is an error."""
        versions = self._by_code.setdefault(instrument.code, {})
        existing = versions.get(instrument.version)
        if existing is not None:
            raise InstrumentError(
                f"{instrument.label} is defined twice ({existing.source} and {instrument.source})"
            )
        versions[instrument.version] = instrument

    def add_directory(self, directory: Path | str) -> tuple[Instrument, ...]:
        """Load every ``*.yaml`` file of ``directory``; all of them or, on error, none."""
        path = Path(directory)
        if not path.is_dir():
            raise InstrumentError(f"{path}: not a directory")
        raws = [
            (str(file), raw) for file in sorted(path.glob("*.yaml")) for raw in _read_file(file)
        ]
        staged = InstrumentRegistry(self)
        built = _build_all(raws, staged)
        self._by_code = staged._by_code
        return built

    def get(self, code: str, version: int | None = None) -> Instrument:
        """The instrument ``code`` at ``version`` (the latest when None)."""
        versions = self._by_code.get(code)
        if not versions:
            raise UnknownInstrument(f"unknown instrument {code!r}")
        if version is None:
            return versions[max(versions)]
        if version not in versions:
            known = ", ".join(str(v) for v in sorted(versions))
            raise UnknownInstrument(
                f"unknown version {version!r} of instrument {code!r} (known: {known})"
            )
        return versions[version]

    def latest(self, code: str) -> Instrument:
        return self.get(code)

    def versions(self, code: str) -> tuple[int, ...]:
        return tuple(sorted(self._by_code.get(code, ())))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Instrument]:
        for code in sorted(self._by_code):
            for version in sorted(self._by_code[code]):
                yield self._by_code[code][version]

    def __len__(self) -> int:
        return sum(len(versions) for versions in self._by_code.values())


def _build_all(
    raws: list[tuple[str, object]], registry: InstrumentRegistry
) -> tuple[Instrument, ...]:
    """Build ``raws`` into ``registry``, each derived instrument after its base.

    A base named without a version resolves to its latest version, so it waits until no
    pending file defines that code.
    """
    pending = list(raws)
    built: list[Instrument] = []
    while pending:
        waiting = []
        for source, raw in pending:
            ready, base = _resolve_base(source, raw, registry, pending)
            if not ready:
                waiting.append((source, raw))
                continue
            instrument = build_instrument(raw, base, source)
            registry.add(instrument)
            built.append(instrument)
        if len(waiting) == len(pending):
            raise _stuck(waiting)
        pending = waiting
    return tuple(built)


def _resolve_base(
    source: str, raw: object, registry: InstrumentRegistry, pending: list[tuple[str, object]]
) -> tuple[bool, Instrument | None]:
    """(ready, base): base is None for a plain instrument; not ready while the base is unbuilt."""
    if not isinstance(raw, dict) or "derived_from" not in raw:
        return True, None
    code, version = _base_reference(raw, source)
    if version is None and any(_raw_code(r) == code for _, r in pending):
        return False, None
    try:
        return True, registry.get(code, version)
    except UnknownInstrument:
        return False, None


def _raw_code(raw: object) -> object:
    return raw.get("code") if isinstance(raw, dict) else None


def _stuck(waiting: list[tuple[str, object]]) -> InstrumentError:
    """The error for derived instruments whose bases never appear: missing base, else a cycle."""
    pending_codes = {_raw_code(raw) for _, raw in waiting}
    for source, raw in waiting:
        assert isinstance(raw, dict)  # only derived instruments ever wait
        code, version = _base_reference(raw, source)
        if code not in pending_codes:
            name = f"{code} v{version}" if version else code
            return InstrumentError(f"{source}: unknown base instrument {name!r}")
    source, raw = waiting[0]
    return InstrumentError(f"{source}: derivation cycle through {_raw_code(raw)!r}")


def load_instruments(*directories: Path | str | None) -> InstrumentRegistry:
    """A registry of the instruments in ``directories`` (the shipped ones when none is given).

    Later directories may derive from instruments of earlier ones; an organisation adds its
    instruments by passing ``SHIPPED_DIRECTORY`` followed by its own directory.
    """
    registry = InstrumentRegistry()
    for directory in [d for d in directories if d is not None] or [SHIPPED_DIRECTORY]:
        registry.add_directory(directory)
    return registry


@functools.cache
def default_registry() -> InstrumentRegistry:
    """The shipped instruments, loaded once per process (callers must not mutate it)."""
    return load_instruments()


# --------------------------------------------------------------------------- assessment


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
        indicator is (or is not) positive, then what was left unanswered."""
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
        if self._unanswered:
            lines.append(
                "Not asked or unknown (counted as not observed): "
                + ", ".join(self.unanswered)
                + "."
            )
        return lines

    def __repr__(self) -> str:
        return f"<Assessment {self.instrument.label} {self.outcome.code}>"


def _json_text(value: object) -> str:
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
                f"answer for {code!r} must be true, false or null, got {_json_text(value)}", code
            )
    observed.sort()
    unanswered.sort()
    state = instrument.state(counts)
    return Assessment(
        instrument, instrument._outcome_by_state[state], counts, observed, unanswered, state
    )


# --------------------------------------------------------------------------- request contract

REQUEST_KEYS = ("instrument", "version", "answers")


_JSON_TYPES = ((bool, "boolean"), (str, "string"), (int, "number"), (float, "number"))


def _json_type(value: object) -> str:
    """The JSON name of ``value``'s type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return next(
        (name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__
    )


def assess_request(
    registry: InstrumentRegistry, request: object, lang: str | None = None
) -> dict[str, Any]:
    """Assess one request ``{"instrument": CODE, "version": N?, "answers": {CODE: bool|null}}``.

    Raises ScreeningRequestError with a one-line message naming the offending key. The
    result's ``outcome_label`` is English unless ``lang`` is given (see Assessment.to_dict).
    """
    if not isinstance(request, dict):
        raise ScreeningRequestError(f"request must be a JSON object, got {_json_type(request)}")
    for key in request:
        if key not in REQUEST_KEYS:
            raise ScreeningRequestError(
                f"unknown key {key!r} in request (expected instrument, version, answers)", key
            )
    for key in ("instrument", "answers"):
        if key not in request:
            raise ScreeningRequestError(f"missing key {key!r} in request", key)
    code, version, answers = request["instrument"], request.get("version"), request["answers"]
    if not isinstance(code, str):
        raise ScreeningRequestError(
            f"'instrument' must be a string, got {_json_text(code)}", "instrument"
        )
    if version is not None and (type(version) is not int or version < 1):
        raise ScreeningRequestError(
            f"'version' must be a positive integer, got {_json_text(version)}", "version"
        )
    if not isinstance(answers, dict):
        raise ScreeningRequestError(
            f"'answers' must be an object of indicator codes, got {_json_type(answers)}", "answers"
        )
    try:
        instrument = registry.get(code, version)
    except UnknownInstrument as error:
        key = "instrument" if code not in registry else "version"
        raise ScreeningRequestError(str(error), key) from None
    try:
        return assess(instrument, answers).to_dict(lang)
    except AnswerError as error:
        raise ScreeningRequestError(str(error), error.code) from None


def assess_batch(
    registry: InstrumentRegistry, payload: object, lang: str | None = None
) -> dict[str, Any] | list[dict[str, Any]]:
    """Assess one request (a dict) or a batch (a list of them, answered in the same order).

    A batch is all or nothing: the first bad request raises ScreeningRequestError, its message
    prefixed with the request's 0-based index. ``outcome_label`` is English unless ``lang``
    is given.
    """
    if isinstance(payload, dict):
        return assess_request(registry, payload, lang)
    if not isinstance(payload, list):
        raise ScreeningRequestError(
            f"request must be a JSON object or an array of objects, got {_json_type(payload)}"
        )
    results = []
    for i, request in enumerate(payload):
        try:
            results.append(assess_request(registry, request, lang))
        except ScreeningRequestError as error:
            raise ScreeningRequestError(f"at index {i}: {error.message}", error.key) from None
    return results
