"""The floor any Python analysis pays: CPython's ast.parse of every .py file of a project.

Usage: python3 bench/pyparse.py PROJECT_DIR
Prints one JSON object: files, bytes, read_s (reading the files), parse_s (ast.parse only), total_s.
"""

import ast
import json
import os
import sys
import time


def main() -> int:
    root = sys.argv[1]
    start = time.perf_counter()
    paths = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        paths.extend(os.path.join(folder, f) for f in sorted(files) if f.endswith(".py"))
    read_s = parse_s = 0.0
    size = 0
    for path in paths:
        t0 = time.perf_counter()
        with open(path, "rb") as handle:
            source = handle.read()
        t1 = time.perf_counter()
        ast.parse(source, filename=path)
        t2 = time.perf_counter()
        read_s += t1 - t0
        parse_s += t2 - t1
        size += len(source)
    total_s = time.perf_counter() - start
    print(json.dumps({"files": len(paths), "bytes": size, "read_s": read_s, "parse_s": parse_s, "total_s": total_s}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
