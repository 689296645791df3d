"""rule-engine's parser tables, read from a file instead of rebuilt at every start (about 0.5 s saved).

``rule_engine`` builds its LALR parser (PLY's ``yacc``) when it is imported,
and asks PLY not to write the tables, so every process that imports it spends
about half a second generating the same tables. PLY first tries to read them
from the module ``rule_engine.parser.parsetab``; :func:`install` puts the
tables generated once and shipped here (``rules/_ruleengine_parsetab.py``) at
that name before ``rule_engine`` is imported. PLY checks the tables' grammar
signature itself, so tables from another rule-engine release are ignored and
the parser is built as before: never a wrong parser, at worst the old cost.

Regenerate after a rule-engine upgrade (tests/test_rules_conditions.py says when):

    python -m rules.parser_tables
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TABLES = Path(__file__).with_name("_ruleengine_parsetab.py")
MODULE = "rule_engine.parser.parsetab"  # where PLY looks (the package of rule_engine's Parser + "parsetab")


def install() -> bool:
    """Make the shipped tables importable as PLY expects; False when there are none (or rule_engine is loaded)."""
    if MODULE in sys.modules or "rule_engine" in sys.modules or not TABLES.exists():
        return MODULE in sys.modules
    spec = importlib.util.spec_from_file_location(MODULE, TABLES)
    if spec is None or spec.loader is None:
        return False
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[MODULE] = module
    return True


def grammar_signature() -> str:
    """The signature PLY computes for the installed rule-engine's grammar (what the tables must match)."""
    from rule_engine._vendor.ply import yacc  # type: ignore[import-untyped]
    from rule_engine.parser import Parser  # type: ignore[import-untyped]

    parser = Parser.__new__(Parser)
    reflect = yacc.ParserReflect({k: getattr(parser, k) for k in dir(parser)})
    reflect.get_all()
    return str(reflect.signature())


def write(folder: Path = TABLES.parent) -> Path:
    """Generate the tables for the installed rule-engine into ``folder``; returns the file written."""
    from rule_engine._vendor.ply import yacc
    from rule_engine.parser import Parser

    parser = Parser.__new__(Parser)
    parser.debug, parser.context = False, None
    yacc.yacc(module=parser, debug=False, write_tables=True, tabmodule=TABLES.stem, outputdir=str(folder))
    return folder / TABLES.name


__all__ = ["MODULE", "TABLES", "grammar_signature", "install", "write"]


if __name__ == "__main__":
    print(write())
