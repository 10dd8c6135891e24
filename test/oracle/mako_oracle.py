"""Renders a script.py.mako with real Mako and what Alembic's revision command passes it.

Reads JSON on stdin: {"template", "variables" (strings, None, lists for tuples), "create_date" ([y, m, d, H, M, S,
microsecond]), "options" (the config's main options)}; writes the rendered text, or exits 2 with Mako's error.
"""
import datetime
import json
import sys

from alembic.config import Config
from alembic.util import format_as_comma
from mako.template import Template


def main():
    request = json.load(sys.stdin)
    variables = {k: tuple(v) if isinstance(v, list) else v for k, v in request["variables"].items()}
    config = Config()
    for name, value in request.get("options", {}).items():
        config.set_main_option(name, value.replace("%", "%%"))
    try:
        text = Template(request["template"]).render_unicode(
            create_date=datetime.datetime(*request["create_date"]),
            comma=format_as_comma,
            config=config,
            **variables,
        )
    except Exception as e:  # what Mako or the template's own code raised
        sys.stderr.write(f"{type(e).__name__}: {e}\n")
        sys.exit(2)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
