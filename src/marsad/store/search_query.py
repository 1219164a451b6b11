"""The search syntax: parse a user's query into a tree, compile it to an SQLite FTS5 MATCH expression.

Syntax (case-sensitive operators, as in most news archives):
    word            the word with its clitics and inflections (سوريا finds بسوريا, لسوريا; الحدود finds والحدود,
                    بالحدود, الحُدود, حدودها; "migrants" finds "migrant"), not other words sharing its stem
    word*           prefix match
    "two words"     phrase: these words in this order, each with its clitics and inflections
    a b, a AND b    both;   a OR b  either;   ( … )  grouping
    NOT a, -a, -"a phrase", -( … )        exclude (the minus written right before what it excludes)
    title:word  title:"a phrase"  source:bbc  lang:ar    field filters
Exclusions need something positive beside them (``NOT a`` alone would mean "the whole archive but a").
A dash standing alone ("ترامب - كوريا") is punctuation, as in pasted headlines, not an operator.

The query text never reaches SQL: it becomes a tree, and the tree an FTS5 expression whose only input-derived
parts are quoted index keys, passed to SQLite as a bound parameter. Which indexed forms a word stands for is
read from the index vocabulary when the expression is built (marsad.store.search_vocab).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from marsad.errors import InvalidQuery
from marsad.text.terms import search_key, search_keys

# Fields a user may name; "title" searches the title column, "source"/"lang" the metadata columns.
FIELDS = ("title", "source", "lang")
# "neg" is a minus glued to a phrase or a group (-"a b", -( … )); a minus glued to a word stays in the word.
_LEXER = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<phrase>"[^"]*")|(?P<open>")|(?P<neg>-(?=["(]))|(?P<word>[^\s()"]+))'
)
_FIELD_WORD = re.compile(r"^(title|source|lang):(.*)$", re.IGNORECASE)
# Queries are typed by people: anything longer is a paste accident and would build a huge MATCH.
MAX_QUERY_CHARS = 1000
# Brackets and negations nested deeper than this are no query a person writes; the bound keeps the recursive
# parser and compiler far from Python's recursion limit whatever the input.
MAX_DEPTH = 32


@dataclass(frozen=True)
class Term:
    keys: tuple[str, ...]  # search keys: one = a word; several = a phrase (also when one word splits: "U.S.")
    prefix: bool = False
    field: str = ""


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _LEXER.match(text, pos)
        if m is None or m.end() == pos:  # pragma: no cover - the lexer matches any non-space character
            break
        kind = m.lastgroup or ""
        if kind == "open":
            raise InvalidQuery(f"search “{text}”: a quotation mark is not closed", detail=f"at {m.start('open')}")
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def error(self, why: str) -> InvalidQuery:
        return InvalidQuery(f"search “{self.text}”: {why}", detail=f"token {self.i} of {self.toks}")

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        if not self.toks:
            return None
        node = self.parse_or()
        if self.peek() is not None:
            raise self.error("unexpected “)”" if self.peek()[0] == "rp" else "cannot read the rest")
        return node

    def parse_or(self) -> Node | None:
        items = [self.parse_and()]
        while (tok := self.peek()) and tok == ("word", "OR"):
            self.i += 1
            items.append(self.parse_and())
        items = [x for x in items if x is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node | None:
        items: list[Node | None] = []
        while (tok := self.peek()) and tok[0] != "rp" and tok != ("word", "OR"):
            if tok == ("word", "AND"):
                self.i += 1
                if not self.peek() or self.peek()[0] == "rp" or self.peek() == ("word", "OR"):
                    raise self.error("AND needs a term after it")
                continue
            items.append(self.parse_unary())
        if not items and self.peek() is not None:
            raise self.error("an operator needs a term on each side")
        kept = [x for x in items if x is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else And(tuple(kept))

    def parse_unary(self) -> Node | None:
        tok = self.peek()
        if tok == ("word", "NOT") or (tok and tok[0] == "neg"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt[0] == "rp" or nxt in (("word", "OR"), ("word", "AND")):
                raise self.error(f"{tok[1]} needs a term after it")
            return self._negated()
        if tok and tok[0] == "word" and tok[1].startswith("-") and len(tok[1]) > 1:
            self.toks[self.i] = ("word", tok[1][1:])
            return self._negated()
        return self.parse_atom()

    def _negated(self) -> Node | None:
        with self._nested():
            child = self.parse_unary()
        return Not(child) if child is not None else None

    @contextmanager
    def _nested(self) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"brackets or negations are nested more than {MAX_DEPTH} deep")
        try:
            yield
        finally:
            self.depth -= 1

    def parse_atom(self) -> Node | None:
        kind, value = self.toks[self.i]
        self.i += 1
        if kind == "lp":
            with self._nested():
                node = self.parse_or()
            if self.peek() != ("rp", ")"):
                raise self.error("a parenthesis is not closed")
            self.i += 1
            return node
        if kind == "rp":
            raise self.error("unexpected “)”")
        if kind == "phrase":
            keys = tuple(search_keys(value[1:-1]))
            return Term(keys) if keys else None
        field = ""
        m = _FIELD_WORD.match(value)
        if m:
            field, value = m.group(1).lower(), m.group(2)
            if not value:
                nxt = self.peek()
                if nxt is None or nxt[0] != "phrase":
                    raise self.error(f'{field}: needs a value, e.g. {field}:word or {field}:"a phrase"')
                self.i += 1
                value = nxt[1][1:-1]
                keys = tuple(_field_keys(field, value))
                return Term(keys, field=field) if keys else None
            value = value.strip('"')
        if value.endswith("*") and field != "lang":
            key = search_key(value.rstrip("*"), stem=False)
            if not key:
                return None
            return Term((key,), prefix=True, field=field)
        keys = tuple(_field_keys(field, value))
        return Term(keys, field=field) if keys else None


def _field_keys(field: str, value: str) -> list[str]:
    if field == "lang":
        return [value.strip().lower()] if value.strip().isalpha() else []
    if field == "source":
        return source_keys(value)
    return search_keys(value)


def source_keys(value: str) -> list[str]:
    """Index keys of a source key/name: normalised words, unstemmed (source names are names)."""
    from marsad.text.normalize import tokens

    return tokens(value)


def parse(text: str) -> Node | None:
    """The query tree of ``text``; None when it holds no searchable word. Raises InvalidQuery on bad syntax."""
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidQuery(f"search query is too long ({len(text)} characters; the limit is {MAX_QUERY_CHARS})")
    return _Parser(text).parse()


# -- compile to FTS5 ------------------------------------------------------------------------------------
# The index columns each field searches (a plain word: title and body).
TERM_COLUMNS = {"": ("title", "body"), "title": ("title",), "source": ("source",), "lang": ("lang",)}
_COLUMN = {f: cols[0] if len(cols) == 1 else "{" + " ".join(cols) + "}" for f, cols in TERM_COLUMNS.items()}


def _quote(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


# The indexed alternatives of a text term: one tuple of keys each (a phrase when several).
Variants = Callable[[Term], list[tuple[str, ...]]]


def _as_written(term: Term) -> list[tuple[str, ...]]:
    return [term.keys]


def alternatives(term: Term, variants: Variants) -> list[tuple[str, ...]]:
    """What ``term`` matches: each alternative a phrase of keys (``variants`` for text terms). Metadata fields
    hold names and codes: matched as written, never expanded."""
    return variants(term) if term.field in ("", "title") else _as_written(term)


def _term_fts(term: Term, variants: Variants) -> str:
    alternatives_ = alternatives(term, variants)
    star = " *" if term.prefix else ""
    # Several keys form one quoted FTS5 phrase (the tokenizer splits it on spaces, order kept).
    inner = " OR ".join(_quote(" ".join(keys)) + star for keys in alternatives_)
    return f"{_COLUMN[term.field]} : " + (f"({inner})" if len(alternatives_) > 1 else inner)


def to_fts(node: Node, variants: Variants = _as_written) -> str:
    """FTS5 MATCH expression of a query tree; ``variants`` gives each text term's indexed alternatives (by
    default the term as written). Raises InvalidQuery for a purely negative (sub)query."""
    if isinstance(node, Term):
        return _term_fts(node, variants)
    if isinstance(node, Not):
        raise InvalidQuery("search: NOT needs a positive term beside it, e.g. “حدود NOT سوريا”")
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts(c, variants) for c in node.children) + ")"
    positives = [c for c in node.children if not isinstance(c, Not)]
    negatives = [c.child for c in node.children if isinstance(c, Not)]
    if not positives:
        raise InvalidQuery("search: NOT needs a positive term beside it, e.g. “حدود NOT سوريا”")
    expr = "(" + " AND ".join(to_fts(c, variants) for c in positives) + ")"
    for neg in negatives:
        expr += " NOT " + to_fts(neg, variants)
    return "(" + expr + ")"


def positive_terms(node: Node | None) -> list[Term]:
    """Terms that count as hits for highlighting (everything not under a NOT, excluding metadata fields)."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node] if node.field in ("", "title") else []
    if isinstance(node, Not):
        return []
    return [t for c in node.children for t in positive_terms(c)]


def compile_query(text: str) -> str | None:
    """Parse and compile in one step, terms as written (None for an empty query); the validation used by
    analytics.Query. The index compiles with the vocabulary's variants (SqliteSearchIndex)."""
    node = parse(text)
    return to_fts(node) if node is not None else None
