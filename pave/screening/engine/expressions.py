"""``when`` expressions: a tokenizer and recursive-descent parser (never eval()) over dimension
codes and predicates, compiled to closures over a state bit set."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

from pave.screening.engine.errors import ExpressionError

PREDICATES = ("any_positive", "any_strong", "any_observed")
KEYWORDS = ("and", "or", "not")
# Deeper nesting than this is a mistake, and refusing it keeps the parser off Python's stack limit.
MAX_EXPRESSION_DEPTH = 64
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Name:
    """A dimension code or one of the predicates ``any_positive`` / ``any_strong`` /
    ``any_observed``."""

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
            match = NAME.match(source, pos)
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
    (the predicates ``any_positive``, ``any_strong`` and ``any_observed`` are always allowed)."""
    if not isinstance(source, str):
        raise ExpressionError(f"expression must be a string, got {source!r}")
    expression = Expression(source, _Parser(source).parse())
    if names is not None:
        unknown = sorted(expression.names() - set(names) - set(PREDICATES))
        if unknown:
            known = ", ".join([*names, *PREDICATES])
            raise ExpressionError(f"unknown name {unknown[0]!r} in {source!r} (known: {known})")
    return expression
