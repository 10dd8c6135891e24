#!/usr/bin/python3
"""Ask real Alembic what differs between a fixture's models and its migrations.

Usage: /usr/bin/python3 oracle.py FIXTURE_DIR [--postgres URL]

Runs with Debian's python3-alembic (1.8) and python3-sqlalchemy (1.4). The fixture's env.py is never used:
the model modules are imported directly (every .py file outside the migrations folder, with the fixture root
on sys.path), every migration is applied to a scratch database with ScriptDirectory + MigrationContext +
Operations (upgrade to "heads", so a fixture with several heads still runs), and then
alembic.autogenerate.compare_metadata() compares that database with the models.

The scratch database is an in-memory SQLite database. Two shims make PostgreSQL-flavoured fixtures runnable there:
- PostgreSQL-only types (JSONB, UUID, INET, ...) are stored and reflected under their PostgreSQL names, so that
  comparing, say, JSON with JSONB still works as Alembic's type comparison does (by the compiled type name);
- op.alter_column / op.drop_column / op.create_foreign_key / ... outside batch mode, which SQLite cannot run, are
  replayed through op.batch_alter_table(), which is what Alembic itself offers for SQLite.
With --postgres URL (or the environment variable ALEMBIC_ORACLE_POSTGRES_URL) a fixture whose alembic.ini
names a postgresql:// database runs instead in a throw-away database created on that server (needs psycopg2).

Output: one JSON object per line on stdout, sorted, one per difference:
  {"kind": "add_table"|"remove_table"|"add_column"|"remove_column"|"modify_type"|"modify_nullable"|
           "modify_default"|"add_index"|"remove_index"|"add_constraint"|"remove_constraint"|"add_fk"|"remove_fk",
   "table": "...", "column": "..."}
"add_*" means the models have something the migrated database lacks; "remove_*" the reverse. Index, unique and
foreign-key entries also carry "name" (when named) and "columns"; "column" is set when there is exactly one.
Exit status 0 on success, 2 when the fixture cannot be loaded or migrated (the reason is on stderr).
"""

import os
import sys

# Importing the fixture's models and revisions must leave no __pycache__ folders in the fixture.
sys.dont_write_bytecode = True
# SQLAlchemy 1.4 prints a "RemovedIn20Warning" banner for legacy calls inside Alembic itself; it is noise here.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

import argparse  # noqa: E402
import configparser
import importlib
import json
import logging
import uuid
import warnings
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import MetaData, create_engine
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles

from alembic import op as alembic_op
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory


class OracleError(Exception):
    """The fixture cannot be run through Alembic; the message says why."""


# ---------------------------------------------------------------------------------------------------------------
# Reading the fixture


def read_alembic_ini(fixture: Path):
    """Return (script_location, version_locations or None, sqlalchemy.url) from the fixture's alembic.ini."""
    ini = fixture / "alembic.ini"
    if not ini.is_file():
        return fixture / "migrations", None, "sqlite://"
    parser = configparser.ConfigParser(defaults={"here": str(fixture)})
    parser.read(ini, encoding="utf-8")
    if not parser.has_section("alembic"):
        raise OracleError(f"{ini}: no [alembic] section")
    section = parser["alembic"]
    location = section.get("script_location", "migrations")
    script_location = Path(location)
    if not script_location.is_absolute():
        script_location = fixture / script_location
    version_locations = None
    raw_versions = section.get("version_locations")
    if raw_versions:
        separator = section.get("version_path_separator", "").split("#")[0].strip()
        splitter = {"": None, "space": " ", "os": os.pathsep, ":": ":", ";": ";"}.get(separator, separator)
        parts = raw_versions.split(splitter) if splitter else raw_versions.replace(",", " ").split()
        version_locations = [str(fixture / p.strip()) if not os.path.isabs(p.strip()) else p.strip()
                             for p in parts if p.strip()]
    url = section.get("sqlalchemy.url", "sqlite://")
    return script_location, version_locations, url


def find_model_modules(fixture: Path, script_location: Path):
    """Dotted names of every Python module under the fixture that is not part of the migrations folder."""
    names = []
    for path in sorted(fixture.rglob("*.py")):
        relative = path.relative_to(fixture)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        try:
            path.relative_to(script_location)
            continue
        except ValueError:
            pass
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts and all(p.isidentifier() for p in parts):
            names.append(".".join(parts))
    return names


def import_models(fixture: Path, module_names):
    """Import the model modules and return the MetaData objects that hold tables."""
    if str(fixture) not in sys.path:
        sys.path.insert(0, str(fixture))
    modules = []
    for name in module_names:
        try:
            modules.append(importlib.import_module(name))
        except Exception as error:  # a model module that does not import is a broken fixture
            raise OracleError(f"cannot import model module {name}: {type(error).__name__}: {error}") from error
    found = {}
    for module in modules:
        for value in list(vars(module).values()):
            candidates = [value]
            if isinstance(value, type):
                candidates.append(getattr(value, "metadata", None))
            for candidate in candidates:
                if isinstance(candidate, MetaData) and candidate.tables:
                    found[id(candidate)] = candidate
    if not found:
        raise OracleError("no SQLAlchemy MetaData with tables found in the model modules")
    return list(found.values())


# ---------------------------------------------------------------------------------------------------------------
# Running PostgreSQL-flavoured fixtures on SQLite

_PG_ONLY_TYPES = {
    "JSONB": postgresql.JSONB,
    "UUID": postgresql.UUID,
    "INET": postgresql.INET,
    "CIDR": postgresql.CIDR,
    "MACADDR": postgresql.MACADDR,
    "HSTORE": postgresql.HSTORE,
    "TSVECTOR": postgresql.TSVECTOR,
    "BYTEA": postgresql.BYTEA,
    "MONEY": postgresql.MONEY,
    "OID": postgresql.OID,
    "INTERVAL": postgresql.INTERVAL,
    "DOUBLE PRECISION": postgresql.DOUBLE_PRECISION,
}


def install_sqlite_type_shim():
    """Let SQLite create and reflect PostgreSQL-only types under their PostgreSQL names."""
    for name, type_class in _PG_ONLY_TYPES.items():
        def render(_type, _compiler, _name=name, **_kw):
            return _name
        compiles(type_class, "sqlite")(render)
        sqlite.base.ischema_names.setdefault(name, type_class)


def _batch(table_name, schema, apply):
    with alembic_op.batch_alter_table(table_name, schema=schema) as batch_op:
        apply(batch_op)


def _alter_column(table_name, column_name, schema=None, **kw):
    _batch(table_name, schema, lambda b: b.alter_column(column_name, **kw))


def _drop_column(table_name, column_name, schema=None, **kw):
    _batch(table_name, schema, lambda b: b.drop_column(column_name, **kw))


def _create_foreign_key(constraint_name, source_table, referent_table, local_cols, remote_cols,
                        source_schema=None, **kw):
    _batch(source_table, source_schema,
           lambda b: b.create_foreign_key(constraint_name, referent_table, local_cols, remote_cols, **kw))


def _create_unique_constraint(constraint_name, table_name, columns, schema=None, **kw):
    _batch(table_name, schema, lambda b: b.create_unique_constraint(constraint_name, columns, **kw))


def _create_check_constraint(constraint_name, table_name, condition, schema=None, **kw):
    _batch(table_name, schema, lambda b: b.create_check_constraint(constraint_name, condition, **kw))


def _create_primary_key(constraint_name, table_name, columns, schema=None):
    _batch(table_name, schema, lambda b: b.create_primary_key(constraint_name, columns))


def _drop_constraint(constraint_name, table_name, type_=None, schema=None):
    _batch(table_name, schema, lambda b: b.drop_constraint(constraint_name, type_=type_))


_SQLITE_BATCH_REROUTES = {
    "alter_column": _alter_column,
    "drop_column": _drop_column,
    "create_foreign_key": _create_foreign_key,
    "create_unique_constraint": _create_unique_constraint,
    "create_check_constraint": _create_check_constraint,
    "create_primary_key": _create_primary_key,
    "drop_constraint": _drop_constraint,
}


# ---------------------------------------------------------------------------------------------------------------
# Migrating and comparing


def load_script_directory(script_location: Path, version_locations):
    if not script_location.is_dir():
        raise OracleError(f"script_location {script_location} is not a directory")
    try:
        script = ScriptDirectory(str(script_location), version_locations=version_locations)
        # Building the revision map is where Alembic notices cycles and missing or duplicate revisions.
        heads = script.get_heads()
    except Exception as error:
        raise OracleError(f"Alembic cannot load the revision graph: {type(error).__name__}: {error}") from error
    return script, heads


def run_migrations(connection, script, destination="heads"):
    """Apply every revision up to all heads on the given connection (or, with destination "base", undo them all)."""
    def step(rev, _context):
        if destination == "base":
            return script._downgrade_revs("base", rev)
        return script._upgrade_revs(destination, rev)

    context = MigrationContext.configure(connection, opts={"fn": step, "script": script})
    with Operations.context(context):
        if connection.dialect.name == "sqlite":
            for name, function in _SQLITE_BATCH_REROUTES.items():
                setattr(alembic_op, name, function)
        try:
            context.run_migrations()
        except Exception as error:
            raise OracleError(f"a migration failed: {type(error).__name__}: {error}") from error


def _constraint_fields(constraint, columns):
    fields = {"columns": list(columns)}
    if constraint.name is not None:
        fields["name"] = str(constraint.name)
    if len(columns) == 1:
        fields["column"] = columns[0]
    return fields


def _table_name(table):
    return table.name if table.schema is None else f"{table.schema}.{table.name}"


def normalize(diff, dialect):
    """Turn one entry of compare_metadata()'s list into a flat dict."""
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        return {"kind": kind, "table": _table_name(diff[1])}
    if kind in ("add_column", "remove_column"):
        _, schema, table, column = diff
        return {"kind": kind, "table": table if schema is None else f"{schema}.{table}", "column": column.name}
    if kind in ("modify_type", "modify_nullable", "modify_default", "modify_comment"):
        _, schema, table, column, _existing, old, new = diff
        return {"kind": kind, "table": table if schema is None else f"{schema}.{table}", "column": column,
                "old": _describe(old, dialect), "new": _describe(new, dialect)}
    if kind in ("add_index", "remove_index"):
        index = diff[1]
        columns = [getattr(c, "name", str(c)) for c in index.expressions]
        entry = {"kind": kind, "table": _table_name(index.table)}
        entry.update(_constraint_fields(index, columns))
        entry["unique"] = bool(index.unique)
        return entry
    if kind in ("add_constraint", "remove_constraint", "add_fk", "remove_fk"):
        constraint = diff[1]
        columns = [c.name for c in constraint.columns]
        entry = {"kind": kind, "table": _table_name(constraint.table)}
        entry.update(_constraint_fields(constraint, columns))
        if kind.endswith("_fk"):
            entry["referred_table"] = constraint.referred_table.name
        return entry
    if kind in ("add_table_comment", "remove_table_comment"):
        return {"kind": kind, "table": _table_name(diff[1])}
    return {"kind": kind, "table": "", "detail": repr(diff)}


def _describe(value, dialect):
    """A readable form of an old/new value: a type or a server default as DDL text, else the plain value."""
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if hasattr(value, "arg"):  # a DefaultClause
        value = value.arg
        if isinstance(value, str):
            return value
    try:
        return str(value.compile(dialect=dialect)) if hasattr(value, "compile") else repr(value)
    except Exception:
        return repr(value)


def compare(connection, metadatas):
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    target = metadatas[0] if len(metadatas) == 1 else metadatas
    entries = []
    for diff in compare_metadata(context, target):
        for item in diff if isinstance(diff, list) else [diff]:
            entries.append(normalize(item, connection.dialect))
    entries.sort(key=lambda e: (e.get("table", ""), e.get("column", ""), e["kind"], e.get("name", "")))
    return entries


def _postgres_scratch(server_url):
    """Create a throw-away database on a PostgreSQL server; return (url, drop function)."""
    from sqlalchemy.engine import make_url

    name = "alembic_oracle_" + uuid.uuid4().hex[:10]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return make_url(server_url).set(database=name), drop


def run_oracle(fixture: Path, postgres_url=None):
    fixture = fixture.resolve()
    # The fixture's folder is on sys.path while revisions load, as `prepend_sys_path = .` puts it when alembic runs
    # there: a revision may import another by its module path (importlib.import_module("migrations.versions.x")).
    sys.path.insert(0, str(fixture))
    script_location, version_locations, ini_url = read_alembic_ini(fixture)
    script_location = script_location.resolve()
    script, _heads = load_script_directory(script_location, version_locations)
    metadatas = import_models(fixture, find_model_modules(fixture, script_location))

    drop = None
    if postgres_url and ini_url.startswith("postgresql"):
        url, drop = _postgres_scratch(postgres_url)
        engine = create_engine(url)
    else:
        install_sqlite_type_shim()
        engine = create_engine("sqlite://")
    try:
        with engine.connect() as connection:
            run_migrations(connection, script)
            return compare(connection, metadatas)
    finally:
        engine.dispose()
        if drop is not None:
            drop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixture", type=Path)
    parser.add_argument("--postgres", default=os.environ.get("ALEMBIC_ORACLE_POSTGRES_URL") or None,
                        help="server URL for fixtures whose alembic.ini names a postgresql:// database")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    warnings.simplefilter("default")
    try:
        entries = run_oracle(args.fixture, args.postgres)
    except OracleError as error:
        print(f"oracle: {args.fixture}: {error}", file=sys.stderr)
        return 2
    for entry in entries:
        print(json.dumps(entry, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
