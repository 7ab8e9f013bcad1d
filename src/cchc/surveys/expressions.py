"""The subset of XPath that XLSForms use in `relevant` and `choice_filter` columns.

Supported: ${name}, bare column names (in choice filters), '.' (this answer), string and number
literals, = != < <= > >=, and / or, not(), selected(), count-selected(), true(), false() and
parentheses. Anything else raises ExpressionError at import; the importer keeps the expression
and reports that the web form will not evaluate it (ODK itself would).
"""

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

TOKEN_RE = re.compile(
    r"""\s*(?:
    (?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.\-]*\})
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|=|<|>|\(|\)|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*(?:\(\))?|\.)
)""",
    re.VERBOSE,
)
FUNCTIONS = {"selected", "not", "count-selected"}


class ExpressionError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"cannot read “{text[pos : pos + 15]}”")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


@lru_cache(maxsize=2048)
def parse_expression(text: str):
    """A tuple tree for `evaluate`; raises ExpressionError for what the subset does not cover."""
    tokens = _tokens(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else (None, None)

    def take(value=None):
        nonlocal pos
        tok = peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected “{value}”" if value else "unexpected end")
        pos += 1
        return tok

    def or_():
        node = and_()
        while peek() == ("name", "or"):
            take()
            node = ("or", node, and_())
        return node

    def and_():
        node = comparison()
        while peek() == ("name", "and"):
            take()
            node = ("and", node, comparison())
        return node

    def comparison():
        node = primary()
        if peek()[0] == "op" and peek()[1] in ("=", "!=", "<", "<=", ">", ">="):
            op = take()[1]
            node = ("cmp", op, node, primary())
        return node

    def primary():
        kind, value = peek()
        if kind == "ref":
            take()
            return ("ref", value[2:-1])
        if kind == "num":
            take()
            return ("lit", Decimal(value))
        if kind == "str":
            take()
            return ("lit", value[1:-1])
        if kind == "op" and value == "(":
            take()
            node = or_()
            take(")")
            return node
        if kind == "name":
            take()
            if value in ("true()", "false()"):
                return ("lit", value == "true()")
            if value == ".":
                return ("self",)
            if peek() == ("op", "("):
                if value not in FUNCTIONS:
                    raise ExpressionError(f"function {value}() is not supported")
                take("(")
                args = [or_()]
                while peek() == ("op", ","):
                    take()
                    args.append(or_())
                take(")")
                return ("call", value, tuple(args))
            return ("col", value)
        raise ExpressionError(f"unexpected “{value}”" if value else "empty expression")

    tree = or_()
    if pos != len(tokens):
        raise ExpressionError(f"unexpected “{tokens[pos][1]}”")
    return tree


def _value(node, answers: dict, row: dict | None, self_value):
    tag = node[0]
    if tag == "lit":
        return node[1]
    if tag == "ref":
        return answers.get(node[1], "")
    if tag == "self":
        return self_value
    if tag == "col":
        if row is None:
            raise ExpressionError(f"“{node[1]}” is not a ${{…}} reference")
        return row.get(node[1].lower(), row.get(node[1], ""))
    if tag == "call":
        name, args = node[1], node[2]
        if name == "not":
            return not _truth(_value(args[0], answers, row, self_value))
        if name == "selected":
            value = _value(args[0], answers, row, self_value)
            wanted = str(_value(args[1], answers, row, self_value))
            return wanted in (value if isinstance(value, list) else str(value).split())
        if name == "count-selected":
            value = _value(args[0], answers, row, self_value)
            return Decimal(len(value if isinstance(value, list) else str(value).split()))
    if tag in ("and", "or"):
        left = _truth(_value(node[1], answers, row, self_value))
        if tag == "and":
            return left and _truth(_value(node[2], answers, row, self_value))
        return left or _truth(_value(node[2], answers, row, self_value))
    if tag == "cmp":
        return _compare(
            node[1], _value(node[2], answers, row, self_value), _value(node[3], answers, row, self_value)
        )
    raise ExpressionError(f"cannot evaluate {tag}")


def _truth(value) -> bool:
    if isinstance(value, list):
        return bool(value)
    return bool(value) and value != ""


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(op: str, a, b) -> bool:
    if isinstance(a, list):
        a = " ".join(a)
    if isinstance(b, list):
        b = " ".join(b)
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        a, b = na, nb
    elif op in ("<", "<=", ">", ">="):
        return False  # XPath compares non-numbers as NaN: always false
    else:
        a, b = str(a), str(b)
    return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def evaluate(text: str, answers: dict, *, row: dict | None = None, self_value="") -> bool:
    """Truth of the expression for these answers (and, in a choice filter, this choice's columns)."""
    return _truth(_value(parse_expression(text), answers, row, self_value))
