#!/usr/bin/python3
"""What users run today: Alembic's own upgrade on SQLite, then compare_metadata, on a generated project.

Usage: /usr/bin/python3 bench/alembic_bench.py PROJECT_DIR
Needs Debian's python3-alembic (1.8) and python3-sqlalchemy (1.4). Uses test/oracle/oracle.py (no env.py: the
models are imported, every revision is applied to an in-memory SQLite database, then compare_metadata runs) and
times its steps. Prints one JSON object: load_s (revision scripts + model modules), upgrade_s, compare_s, total_s,
heads, and diffs (oracle.py's normalized entries). Exit 2 when Alembic cannot load or run the project.
"""

import json
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "test" / "oracle"))

import oracle  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    t0 = time.perf_counter()
    try:
        script_location, version_locations, _url = oracle.read_alembic_ini(root)
        script, heads = oracle.load_script_directory(script_location.resolve(), version_locations)
        metadatas = oracle.import_models(root, oracle.find_model_modules(root, script_location.resolve()))
        t1 = time.perf_counter()
        oracle.install_sqlite_type_shim()
        engine = create_engine("sqlite://")
        with engine.connect() as connection:
            oracle.run_migrations(connection, script)
            t2 = time.perf_counter()
            diffs = oracle.compare(connection, metadatas)
            t3 = time.perf_counter()
        engine.dispose()
    except oracle.OracleError as error:
        print(f"alembic_bench: {root}: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"load_s": t1 - t0, "upgrade_s": t2 - t1, "compare_s": t3 - t2, "total_s": t3 - t0,
                      "heads": list(heads), "diffs": diffs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
