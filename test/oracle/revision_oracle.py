#!/usr/bin/python3
"""Check with real Alembic that a project's migrations run both ways and end at its models.

Usage: /usr/bin/python3 revision_oracle.py PROJECT_DIR

Runs with Debian's python3-alembic (1.8) and python3-sqlalchemy (1.4), through oracle.py's loading and migrating
code: the project's env.py is never used, the model modules are imported directly. On a scratch SQLite file it runs
`upgrade heads`, `downgrade base` (after which only alembic_version may be left), `upgrade heads` again, and then
compare_metadata() between the models and the database.

Output: one JSON object on stdout:
  {"heads": [...], "tables_after_upgrade": [...], "left_after_downgrade": [tables other than alembic_version],
   "diffs": [one oracle.py entry per difference that compare_metadata() still finds]}
Exit status 0 when every step ran (the diffs may still be there), 2 when a step failed (the reason is on stderr).
"""

import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import json  # noqa: E402
from pathlib import Path  # noqa: E402

from sqlalchemy import create_engine, inspect  # noqa: E402

import oracle  # noqa: E402


def run(project: Path):
    project = project.resolve()
    script_location, version_locations, _url = oracle.read_alembic_ini(project)
    script_location = script_location.resolve()
    script, heads = oracle.load_script_directory(script_location, version_locations)
    metadatas = oracle.import_models(project, oracle.find_model_modules(project, script_location))
    oracle.install_sqlite_type_shim()
    with tempfile.TemporaryDirectory(prefix="revision-oracle-") as scratch:
        engine = create_engine(f"sqlite:///{os.path.join(scratch, 'db.sqlite')}")
        try:
            tables = {}
            for destination in ("heads", "base"):
                with engine.connect() as connection:
                    try:
                        oracle.run_migrations(connection, script, destination)
                    except oracle.OracleError as error:
                        step = "upgrade heads" if destination == "heads" else "downgrade base"
                        raise oracle.OracleError(f"{step}: {error}") from error
                with engine.connect() as connection:
                    tables[destination] = sorted(t for t in inspect(connection).get_table_names() if t != "alembic_version")
            with engine.connect() as connection:
                try:
                    oracle.run_migrations(connection, script, "heads")
                except oracle.OracleError as error:
                    raise oracle.OracleError(f"upgrade heads again: {error}") from error
                diffs = oracle.compare(connection, metadatas)
        finally:
            engine.dispose()
    return {"heads": sorted(heads), "tables_after_upgrade": tables["heads"], "left_after_downgrade": tables["base"], "diffs": diffs}


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    try:
        result = run(Path(args[0]))
    except oracle.OracleError as error:
        print(f"revision oracle: {args[0]}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
