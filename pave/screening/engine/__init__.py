"""Victim-screening engine: instruments are versioned data, an assessment is a pure function.

An instrument (ILO/EC 2009 operational indicators, ICLS 2018 forced labour, or one an
organisation adds) is a YAML file: dimensions of graded indicators, a dimension rule, and an
ordered list of outcomes whose ``when`` is a small boolean expression over dimension codes.
The spec is ``screening-instruments.yaml`` (see docs/screening.md); the shipped copies live in
``instruments/`` next to this package.

Titles and labels are English; an instrument may carry translations of them next to the English
text (``titles`` / ``labels``: ISO 639-1 code -> text). They are display data only: assessing
never reads them, and ``title_in`` / ``label_in`` pick one, falling back to English.

This package has no Django imports so that it can be tested and benchmarked alone; the CLI
(``pave screen``) and the API (``POST /api/v1/screening/assess``) call :func:`assess_batch`.

The package follows the engine's concerns: ``errors``, ``expressions`` (the ``when`` language),
``rules`` (dimension rules), ``translations``, ``instruments``, ``loading`` (YAML files and the
registry), ``assessment`` and ``contract`` (the request contract). This module re-exports the
public names, so ``from pave.screening.engine import X`` is the one import callers need.
"""

from __future__ import annotations

from pave.screening.engine.assessment import (
    Assessment,
    DimensionResult,
    assess,
)
from pave.screening.engine.contract import (
    REQUEST_KEYS,
    assess_batch,
    assess_request,
)
from pave.screening.engine.errors import (
    AnswerError,
    ExpressionError,
    InstrumentError,
    ScreeningError,
    ScreeningRequestError,
    UnknownIndicator,
    UnknownInstrument,
)
from pave.screening.engine.expressions import (
    KEYWORDS,
    MAX_EXPRESSION_DEPTH,
    PREDICATES,
    And,
    Expression,
    Name,
    Node,
    Not,
    Or,
    Predicate,
    parse_expression,
)
from pave.screening.engine.instruments import (
    MAX_DIMENSIONS,
    STRENGTHS,
    Dimension,
    Indicator,
    Instrument,
    Outcome,
)
from pave.screening.engine.loading import (
    SHIPPED_DIRECTORY,
    InstrumentRegistry,
    build_instrument,
    default_registry,
    derive_dimensions,
    load_instruments,
)
from pave.screening.engine.rules import (
    DIMENSION_RULES,
    DimensionRule,
    any_reason,
    any_rule_positive,
    delphi_positive,
    delphi_reason,
)
from pave.screening.engine.translations import (
    ISO_639_1,
    NO_TRANSLATIONS,
    SOURCE_LANGUAGE,
    Translations,
    language_of,
    translated,
)

__all__ = [
    "And",
    "AnswerError",
    "Assessment",
    "DIMENSION_RULES",
    "Dimension",
    "DimensionResult",
    "DimensionRule",
    "Expression",
    "ExpressionError",
    "ISO_639_1",
    "Indicator",
    "Instrument",
    "InstrumentError",
    "InstrumentRegistry",
    "KEYWORDS",
    "MAX_DIMENSIONS",
    "MAX_EXPRESSION_DEPTH",
    "NO_TRANSLATIONS",
    "Name",
    "Node",
    "Not",
    "Or",
    "Outcome",
    "PREDICATES",
    "Predicate",
    "REQUEST_KEYS",
    "SHIPPED_DIRECTORY",
    "SOURCE_LANGUAGE",
    "STRENGTHS",
    "ScreeningError",
    "ScreeningRequestError",
    "Translations",
    "UnknownIndicator",
    "UnknownInstrument",
    "any_reason",
    "any_rule_positive",
    "assess",
    "assess_batch",
    "assess_request",
    "build_instrument",
    "default_registry",
    "delphi_positive",
    "delphi_reason",
    "derive_dimensions",
    "language_of",
    "load_instruments",
    "parse_expression",
    "translated",
]
