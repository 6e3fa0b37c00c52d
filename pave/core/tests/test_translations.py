"""The shipped Arabic and French catalogues are complete, correct and compiled.

Every message of every .po under pave/locale is translated and not fuzzy, keeps the
msgid's placeholders, has the language's number of plural forms, and the committed .mo
holds exactly what the .po says (a fresh clone has no gettext to recompile it). Where the
gettext tools are installed, a test also re-extracts the messages from the source into a
copy of the catalogues and fails on any string the shipped catalogues do not translate.

Django ships no .po reader, so a small one lives here; it is tested on a sample first.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

PAVE_DIR = Path(__file__).resolve().parents[2]
LOCALE_DIR = PAVE_DIR / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
# Languages PAVE is used in, with their number of plural forms (Plural-Forms: nplurals).
NPLURALS = {"ar": 6, "fr": 2}
LANGUAGES = sorted(NPLURALS)


# --- a minimal .po reader --------------------------------------------------------------------


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None and not self.msgstr_plural:
            return False
        return all(self.translations)

    @property
    def key(self) -> str:
        """The msgid as the compiled catalogue knows it (context, EOT, msgid)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def where(self) -> str:
        at = ", ".join(self.references[:2]) or f"line {self.line}"
        return f"{self.msgid!r} ({at})"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_ESCAPE = re.compile(r'\\(?:([ntr"\\ab])|([0-7]{1,3}))')
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _unquote(token: str, where: str) -> str:
    """The value of one C string literal ("...", with escapes) of a .po line."""
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {token!r}")
    body = token[1:-1]

    def replace(match: re.Match[str]) -> str:
        return _ESCAPES[match[1]] if match[1] else chr(int(match[2], 8))

    return _ESCAPE.sub(replace, body)


def parse_po(text: str, name: str = "<po>") -> list[Entry]:
    """The entries of a .po file, header included, obsolete (#~) ones left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the field a continuation line extends

    def finish() -> None:
        nonlocal entry, target
        if entry is not None and target is not None:
            entries.append(entry)
        entry, target = None, None

    # Only "\n" ends a line: str.splitlines() would also split on U+2028 and the like.
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        where = f"{name}:{number}"
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            finish()  # obsolete entry: not shipped, not compiled
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:
                finish()  # comments start the next entry
            if entry is None:
                entry = Entry(line=number)
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#:"):
                entry.references += line[2:].split()
            continue
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{where}: a continuation line outside any message")
            value = _unquote(line, where)
            name_, index = target
            if name_ == "msgstr_plural":
                assert index is not None
                entry.msgstr_plural[index] += value
            else:
                setattr(entry, name_, getattr(entry, name_) + value)
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"{where}: cannot read {raw!r}")
        keyword, index_text, token = match[1], match[2], match[3]
        value = _unquote(token, where)
        if keyword in ("msgctxt", "msgid") and target is not None and target[0] != "msgctxt":
            finish()  # a new message without a blank line before it
        if entry is None:
            entry = Entry(line=number)
        if keyword == "msgctxt":
            entry.msgctxt, target = value, ("msgctxt", None)
        elif keyword == "msgid":
            entry.msgid, target = value, ("msgid", None)
        elif keyword == "msgid_plural":
            entry.msgid_plural, target = value, ("msgid_plural", None)
        elif index_text is None:
            entry.msgstr, target = value, ("msgstr", None)
        else:
            index = int(index_text)
            entry.msgstr_plural[index], target = value, ("msgstr_plural", index)
    finish()
    return entries


def read_po(path: Path) -> list[Entry]:
    return parse_po(path.read_text(encoding="utf-8"), name=str(path.relative_to(PAVE_DIR)))


def messages(path: Path) -> list[Entry]:
    """The messages of a catalogue, without its header."""
    return [entry for entry in read_po(path) if not entry.is_header]


def header(path: Path) -> dict[str, str]:
    head = next(entry for entry in read_po(path) if entry.is_header)
    pairs = (line.split(":", 1) for line in head.msgstr.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def language_of(path: Path) -> str:
    return path.relative_to(LOCALE_DIR).parts[0]


# Python %-format placeholders: %(name)s, %s, %d, %.2f … (%% is a literal percent sign).
_PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])"
)
_NAMED = re.compile(r"%\((?P<name>[^)]*)\)[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The named placeholders of a python-format string, and its positional ones in order."""
    named, positional = set(), []
    for match in _PLACEHOLDER.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named.add(f"%({match['name']}){match['type']}")
        else:
            positional.append(f"%{match['type']}")
    return frozenset(named), tuple(positional)


def named_placeholders(text: str) -> frozenset[str]:
    """%(name)s placeholders only: unambiguous even where a string is not python-format
    (where "100 % de" must not read as a "% d" conversion)."""
    return frozenset(match[0] for match in _NAMED.finditer(text))


def _placeholders_of(entry: Entry, text: str) -> list[str]:
    """What a check compares: the named placeholders (sorted), then the positional ones."""
    if "python-format" in entry.flags:
        named, positional = placeholders(text)
        return sorted(named) + list(positional)
    return sorted(named_placeholders(text))


def placeholder_problems(entry: Entry) -> list[str]:
    source = entry.msgid if entry.msgid_plural is None else entry.msgid_plural
    expected = _placeholders_of(entry, source)
    problems = []
    for index, translation in enumerate(entry.translations):
        if not translation:
            continue
        got = _placeholders_of(entry, translation)
        if got != expected:
            label = "msgstr" if entry.msgid_plural is None else f"msgstr[{index}]"
            problems.append(
                f"{entry.where()}: {label} has {' '.join(got) or 'none'}, "
                f"the msgid {' '.join(expected) or 'none'}"
            )
    return problems


# --- the reader itself -----------------------------------------------------------------------

SAMPLE = r"""# A comment.
msgid ""
msgstr ""
"Language: ar\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"

#: a.py:1 b.html:2
#, python-format
msgid ""
"A long message "
"on two lines, %(name)s."
msgstr "Un long message sur "
"deux lignes, %(name)s."

#: c.py:3
#, fuzzy, python-format
#| msgid "Old"
msgid "Say \"hi\"\tnow\\n"
msgstr "Dis \"salut\"\tmaintenant\\n"

msgctxt "month"
msgid "May"
msgstr ""
msgid "%(counter)s case"
msgid_plural "%(counter)s cases"
msgstr[0] "%(counter)s dossier"
msgstr[1] ""
"%(counter)s dossiers"

#~ msgid "Gone"
#~ msgstr "Parti"
"""


def test_the_po_reader_reads_multiline_plural_fuzzy_context_and_escapes():
    entries = parse_po(SAMPLE)
    assert [e.msgid for e in entries] == [
        "",
        "A long message on two lines, %(name)s.",
        'Say "hi"\tnow\\n',
        "May",
        "%(counter)s case",
    ]
    head, long_, fuzzy, month, plural = entries
    assert head.is_header and "nplurals=2" in head.msgstr and head.msgstr.endswith("\n")
    assert long_.msgstr == "Un long message sur deux lignes, %(name)s."
    assert long_.references == ["a.py:1", "b.html:2"] and long_.flags == {"python-format"}
    assert not long_.fuzzy and long_.translated
    assert fuzzy.fuzzy and fuzzy.msgstr == 'Dis "salut"\tmaintenant\\n'
    assert month.msgctxt == "month" and month.key == "month\x04May" and not month.translated
    assert plural.msgid_plural == "%(counter)s cases"
    assert plural.msgstr_plural == {0: "%(counter)s dossier", 1: "%(counter)s dossiers"}
    assert plural.translated and plural.translations[1] == "%(counter)s dossiers"
    assert "Gone" not in [e.msgid for e in entries]


def test_placeholders_are_read_as_python_formats_them():
    assert placeholders("%(a)s and %(b)d, %s of %d, 100%% sure") == (
        frozenset({"%(a)s", "%(b)d"}),
        ("%s", "%d"),
    )
    assert named_placeholders("100 % de %(name)s") == frozenset({"%(name)s"})
    broken = Entry(msgid="Case %(reference)s", msgstr="Dossier %(ref)s", flags={"python-format"})
    assert placeholder_problems(broken) and "Case %(reference)s" in placeholder_problems(broken)[0]


# --- the shipped catalogues ------------------------------------------------------------------


def test_every_language_ships_a_catalogue():
    shipped = {language_of(path) for path in CATALOGUES}
    assert set(LANGUAGES) <= shipped, f"no catalogue for {set(LANGUAGES) - shipped}"
    for language in LANGUAGES:
        assert (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE_DIR)))
def test_no_message_is_untranslated_or_fuzzy(path):
    entries = messages(path)
    assert entries, f"{path} holds no message"
    untranslated = [e.where() for e in entries if not e.translated]
    fuzzy = [e.where() for e in entries if e.fuzzy]
    report = []
    if untranslated:
        report.append(f"{len(untranslated)} untranslated:\n  " + "\n  ".join(untranslated))
    if fuzzy:
        report.append(f"{len(fuzzy)} fuzzy:\n  " + "\n  ".join(fuzzy))
    assert not report, f"{path.relative_to(PAVE_DIR)}: " + "\n".join(report)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE_DIR)))
def test_translations_keep_the_placeholders_of_the_msgid(path):
    problems = [problem for entry in messages(path) for problem in placeholder_problems(entry)]
    assert not problems, f"{path.relative_to(PAVE_DIR)}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE_DIR)))
def test_plural_messages_have_every_form_of_the_language(path):
    language = language_of(path)
    expected = NPLURALS.get(language)
    if expected is None:
        pytest.skip(f"no plural rule known for {language}")
    declared = re.search(r"nplurals\s*=\s*(\d+)", header(path).get("Plural-Forms", ""))
    assert declared and int(declared[1]) == expected, (
        f"{path.relative_to(PAVE_DIR)}: the header declares "
        f"{declared[0] if declared else 'no nplurals'}, {language} has {expected} forms"
    )
    plurals = [e for e in messages(path) if e.msgid_plural is not None]
    wrong = [
        f"{e.where()}: forms {sorted(e.msgstr_plural)}"
        for e in plurals
        if sorted(e.msgstr_plural) != list(range(expected))
    ]
    assert not wrong, (
        f"{path.relative_to(PAVE_DIR)}: plural messages need msgstr[0..{expected - 1}]:\n  "
        + "\n  ".join(wrong)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_has_plural_messages_to_check(language):
    """Guards the test above against passing on a catalogue without any plural message."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert any(e.msgid_plural is not None for e in messages(path))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(LOCALE_DIR)))
def test_the_shipped_mo_is_the_compiled_po(path):
    """The .mo is what Django reads: it must hold exactly the translations of the .po."""
    mo_path = path.with_suffix(".mo")
    where = mo_path.relative_to(PAVE_DIR)
    assert mo_path.is_file(), f"{where} is missing: run `pave compilemessages` in pave/"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = compiled._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in messages(path):
        if entry.fuzzy or not entry.translated:
            continue  # msgfmt leaves these out, as Django does not use them
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr
        else:
            for index, translation in entry.msgstr_plural.items():
                expected[(entry.key, index)] = translation
    stale = [
        f"{key!r}: .po {value!r}, .mo {catalog.get(key)!r}"
        for key, value in expected.items()
        if catalog.get(key) != value
    ]
    extra = [repr(key) for key in catalog if key != "" and key not in expected]
    report = []
    if stale:
        report.append(f"{len(stale)} differ or are missing:\n  " + "\n  ".join(stale))
    if extra:
        report.append(f"{len(extra)} are no longer in the .po:\n  " + "\n  ".join(extra))
    assert not report, (
        f"{where} is out of date with its .po (run `pave compilemessages` in pave/): "
        + "\n".join(report)
    )
    assert compiled.info().get("plural-forms") == header(path).get("Plural-Forms"), (
        f"{where}: its Plural-Forms differ from the .po's"
    )


# --- the source against the catalogues -------------------------------------------------------

_SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js", ".po"}


def _copy_sources(destination: Path) -> None:
    """What makemessages reads (and the catalogues it merges into), nothing else."""

    def ignore(directory: str, names: list[str]) -> list[str]:
        return [
            name
            for name in names
            if name == "__pycache__"
            or name.startswith(".")
            or (not (Path(directory) / name).is_dir() and Path(name).suffix not in _SOURCE_SUFFIXES)
        ]

    shutil.copytree(PAVE_DIR, destination, ignore=ignore)


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgmerge")),
    reason="the gettext tools (xgettext, msgmerge) are not installed",
)
def test_every_message_of_the_source_is_in_the_shipped_catalogues(tmp_path):
    """Re-extracts the messages like `make messages` does, into a copy of the tree: a string
    marked for translation in the code but missing from (or changed since) the shipped
    catalogues comes out untranslated or fuzzy."""
    copy = tmp_path / "pave"
    _copy_sources(copy)
    before = Path.cwd()
    try:
        os.chdir(copy)
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=LANGUAGES, no_obsolete=True, verbosity=0)
    finally:
        os.chdir(before)
    report = []
    for language in LANGUAGES:
        path = copy / "locale" / language / "LC_MESSAGES" / "django.po"
        entries = [e for e in parse_po(path.read_text(encoding="utf-8")) if not e.is_header]
        missing = [e.where() for e in entries if e.fuzzy or not e.translated]
        if missing:
            report.append(f"{language}: {len(missing)}\n  " + "\n  ".join(missing))
    assert not report, (
        "Messages in the source that the shipped catalogues do not translate (run "
        "`make messages`, translate them in pave/locale, then `pave compilemessages`):\n"
        + "\n".join(report)
    )
