"""Rendering a generation's units on every core (casegen.renderpool) gives what rendering them one by one
gives, byte for byte, in the same order."""

from __future__ import annotations

import subprocess
import sys
import textwrap


SCRIPT = textwrap.dedent("""
    import pickle, sys
    from pathlib import Path
    from casegen import charts, renderpool
    from casegen.render import site_units
    from casegen.validate import validate

    root = Path(sys.argv[1])
    charts.CACHE = root / "build" / "cache"
    lib = validate(root / "data")
    units = site_units(lib)
    assert renderpool.can_fork(), "vl-convert started before the fork"
    forked = renderpool.render_all(units, workers=2, min_units=0)
    assert renderpool.can_fork(), "rendering from the cache started vl-convert"
    here = [unit.render() for unit in units]
    sys.stdout.buffer.write(pickle.dumps((len(units), forked == here,
                                          [sorted(f) for f in forked] == [sorted(f) for f in here])))
""")


# built_site is conftest's (the session's built site: its chart cache holds every chart). Imported here, it would
# be a fixture of this module's own and build the site a second time.
def test_units_rendered_in_forked_workers_are_the_units_rendered_here(built_site):
    import pickle

    result = subprocess.run([sys.executable, "-c", SCRIPT, str(built_site.root)], capture_output=True,
                            env={"CASEGEN_NO_PDF": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    count, same, same_names = pickle.loads(result.stdout)
    assert count > 20 and same_names and same
