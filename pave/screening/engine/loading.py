"""Loading instruments from YAML files into a registry, derived instruments after their base."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from pave.screening.engine.errors import ExpressionError, InstrumentError, UnknownInstrument
from pave.screening.engine.expressions import parse_expression
from pave.screening.engine.instruments import (
    STRENGTH_INDEX,
    Dimension,
    Indicator,
    Instrument,
    Outcome,
)
from pave.screening.engine.translations import NO_TRANSLATIONS, Translations

SHIPPED_DIRECTORY = Path(__file__).resolve().parent.parent / "instruments"
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    if weak_becomes not in STRENGTH_INDEX:
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
