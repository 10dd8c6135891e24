"""Prints, as JSON by folder name, the order `alembic upgrade heads` runs the revisions of each folder under the one
given (each folder holds a versions/ folder of revision files) in, as real Alembic computes it."""
import json
import os
import sys

from alembic.script import ScriptDirectory
from alembic.script.base import Script

# Alembic 1.10 and later load a version folder's files in name order; Debian's 1.8 takes os.listdir's order.
Script._list_py_dir = classmethod(lambda cls, scriptdir, path: [os.path.join(path, f) for f in sorted(os.listdir(path))])

root = sys.argv[1]
orders = {}
for name in sorted(os.listdir(root)):
    folder = os.path.join(root, name)
    script = ScriptDirectory(folder, version_locations=[os.path.join(folder, "versions")])
    orders[name] = [step.revision.revision for step in script._upgrade_revs("heads", None)]
print(json.dumps(orders))
