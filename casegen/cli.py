"""The command line: a thin layer over the library functions in validate.py and build.py."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .problems import DataError


def _report(err: DataError, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in err.problems], ensure_ascii=False, indent=2))
    else:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        n_warnings = len(err.warnings)
        counted = f"{len(err.problems) - n_warnings} error(s)" + (f", {n_warnings} warning(s)" if n_warnings else "")
        click.echo(f"{counted} found; nothing was written.", err=True)


@click.group()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="project folder (holds data/, docs/ and mkdocs.yml)")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """casegen: validate the case library's data and build its site."""
    ctx.obj = root


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="how to print problems")
@click.pass_obj
def validate(root: Path, fmt: str) -> None:
    """Check every file under data/ and print each problem as path:line: field: message."""
    from .validate import validate as run

    try:
        lib = run(root / "data", on_warnings=None)
    except DataError as err:
        _report(err, fmt)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in lib.warnings], ensure_ascii=False, indent=2))
    elif lib.warnings:
        for problem in lib.warnings:
            click.echo(str(problem), err=True)
        click.echo(f"{len(lib.warnings)} warning(s); nothing stops the build.", err=True)


@main.command()
@click.option("--no-site", is_flag=True, help="generate the Markdown pages only, skip mkdocs")
@click.pass_obj
def build(root: Path, no_site: bool) -> None:
    """Validate, generate the pages into build/docs and build the site into site/."""
    from .build import BuildError, build as run

    try:
        run(root, site=not no_site)
    except DataError as err:
        _report(err, "text")
        sys.exit(1)
    except BuildError as err:
        _failed(err)


def _failed(err: Exception) -> None:
    """A failed build: what failed and what to do (one line when the cause is), and that nothing changed."""
    message = str(err)
    state = "Nothing was changed: build/docs/ and site/ are as they were."
    click.echo(f"build failed: {message}\n{state}" if "\n" in message else f"build failed: {message}. {state}",
               err=True)
    sys.exit(1)


@main.command()
@click.option("--port", default=8000, show_default=True)
@click.pass_obj
def serve(root: Path, port: int) -> None:
    """Preview on http://127.0.0.1:PORT; saving a file under data/, docs/ or the templates regenerates
    the pages and reloads the browser."""
    import os

    from .build import BuildError, describe_os_error, generate_docs
    from .render import TEMPLATES

    root = root.resolve()
    try:
        generate_docs(root, preview=True)  # the live preview: pages and SVGs, no binary downloads
    except DataError as err:
        _report(err, "text")
        sys.exit(1)
    except BuildError as err:
        _failed(err)
    except OSError as err:
        _failed(BuildError(describe_os_error(err, root)))
    env = {**os.environ, "CASEGEN_SERVE": "1", "NO_MKDOCS_2_WARNING": "1"}
    # --livereload explicitly: with click 8.3 mkdocs 1.6.1 reads the flag's default as off.
    cmd = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "-f", str(root / "mkdocs.yml"),
           "-a", f"127.0.0.1:{port}",
           "--watch", str(root / "data"), "--watch", str(root / "docs"), "--watch", str(TEMPLATES)]
    sys.exit(_run_forwarding_signals(cmd, root, env))


def _run_forwarding_signals(cmd: list[str], cwd: Path, env: dict) -> int:
    """Run ``cmd`` and wait for it, passing on SIGTERM and SIGHUP: a process manager that stops this process
    stops the server too, and this process then ends as the server did. Ctrl-C reaches both from the terminal;
    this one waits for the server to finish on it."""
    import signal
    import subprocess

    child = subprocess.Popen(cmd, cwd=cwd, env=env)
    previous = {sig: signal.signal(sig, lambda signum, _frame: child.send_signal(signum))
                for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@main.command()
@click.argument("slug")
@click.pass_obj
def new(root: Path, slug: str) -> None:
    """Make data/cases/SLUG/ with a commented case.yaml and a figures.csv header."""
    from .scaffold import ScaffoldError, new_case

    try:
        folder = new_case(root / "data", slug)
    except ScaffoldError as err:
        click.echo(f"casegen new: {err}", err=True)
        sys.exit(1)
    click.echo(f"created {folder}/case.yaml and figures.csv; fill them in, then run `casegen validate`")


@main.command()
@click.argument("revision", default="HEAD")
@click.pass_obj
def diff(root: Path, revision: str) -> None:
    """List figures added, changed and removed since REVISION, as Markdown for a pull request."""
    from .changes import ChangeError, report

    try:
        click.echo(report(root, revision), nl=False)
    except ChangeError as err:
        click.echo(f"casegen diff: {err}", err=True)
        sys.exit(1)


@main.command()
@click.argument("slugs", nargs=-1, required=True, metavar="SLUG...")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="where to write the deck (default: workshop-<slugs>.pptx, or <slug>-deck.pptx for one case)")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="the deck's language")
@click.pass_obj
def deck(root: Path, slugs: tuple[str, ...], output: Path | None, lang: str) -> None:
    """Write a 16:9 PowerPoint deck of one or more cases; several cases get a comparison slide."""
    from .deck import DeckError, write_workshop_deck

    try:
        path = write_workshop_deck(root, list(slugs), lang, output)
    except DataError as err:
        _report(err, "text")
        sys.exit(1)
    except DeckError as err:
        click.echo(f"casegen deck: {err}", err=True)
        sys.exit(1)
    click.echo(f"wrote {path}")


@main.command()
@click.pass_obj
def schema(root: Path) -> None:
    """Write the JSON Schemas of the YAML files into data/schema/."""
    from .schema import export

    for path in export(root / "data" / "schema"):
        click.echo(f"wrote {path}")


if __name__ == "__main__":
    main()
