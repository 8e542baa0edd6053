"""The live preview's rebuild of only what changed: what it removes between rebuilds (casegen.preview).
The preview itself, in a browser, is tested in test_serve.py; its search index in test_search.py."""

from __future__ import annotations

from casegen import preview


def test_a_deleted_page_leaves_no_files_behind(tmp_path):
    site = tmp_path / "site"
    made = {"index.html", "cases/a/index.html", "cases/b/index.html", "cases/b/charts/x.svg"}
    for rel in made:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x", encoding="utf-8")
    (site / "404.html").write_text("not made from the docs", encoding="utf-8")
    key = str(site)
    preview.after_rebuild(key, made, dirty=True)
    preview.after_rebuild(key, {"index.html", "cases/a/index.html"}, dirty=True)  # case b is gone
    assert not (site / "cases/b").exists()
    assert (site / "cases/a/index.html").exists() and (site / "404.html").exists()


def test_a_whole_build_removes_nothing(tmp_path):
    site = tmp_path / "site"
    (site / "cases/b").mkdir(parents=True)
    (site / "cases/b/index.html").write_text("x", encoding="utf-8")
    preview.after_rebuild(str(site), {"cases/b/index.html"}, dirty=False)
    preview.after_rebuild(str(site), set(), dirty=False)
    assert (site / "cases/b/index.html").exists()


def test_the_preview_notices_a_save_within_a_fifth_of_a_second(tmp_path):
    """MkDocs' watcher polls every half second; the preview's polls every POLL_S, for the folders watched already
    and those watched later (a watchdog that keeps the interval elsewhere fails here, not silently)."""
    from mkdocs.livereload import LiveReloadServer

    from casegen.mkdocs_plugin import POLL_S, _poll_often

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    (tmp_path / "data").mkdir()
    server.watch(str(tmp_path / "data"))
    _poll_often(server.observer)
    (tmp_path / "docs").mkdir()
    server.watch(str(tmp_path / "docs"))
    emitters = list(server.observer.emitters)
    assert len(emitters) == 2 and all(e.timeout <= POLL_S < 0.5 for e in emitters)


def test_the_watcher_polls_every_tenth_of_a_second_where_a_snapshot_is_quick(tmp_path, monkeypatch):
    """A snapshot of the real library's data/ takes about a millisecond: the watcher then polls every QUICK_POLL_S;
    at 1,000 cases it takes tens of milliseconds, and the watcher keeps to POLL_S. The rebuild starts at once."""
    from mkdocs.livereload import LiveReloadServer

    from casegen import mkdocs_plugin

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    (tmp_path / "data").mkdir()
    server.watch(str(tmp_path / "data"))
    assert server.build_delay > 0  # MkDocs' own
    mkdocs_plugin._watch_quickly(server)
    assert server.build_delay == 0
    emitter = next(iter(server.observer.emitters))
    emitter._take_snapshot()  # an empty folder: quick
    assert emitter.timeout == mkdocs_plugin.QUICK_POLL_S < mkdocs_plugin.POLL_S
    monkeypatch.setattr(mkdocs_plugin, "QUICK_SNAPSHOT_S", 0.0)  # as if every snapshot were slow
    emitter._take_snapshot()
    assert emitter.timeout == mkdocs_plugin.POLL_S


def test_the_preview_does_not_poll_the_data_while_it_rebuilds(tmp_path):
    """A snapshot of data/ at 1,000 cases takes tens of milliseconds, every POLL_S: the watcher waits while a rebuild
    runs (for folders watched before and after the preview sets it up), and takes its snapshot once it is over."""
    import threading
    import time

    from mkdocs.livereload import LiveReloadServer

    from casegen import mkdocs_plugin

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    for folder in ("data", "docs"):
        (tmp_path / folder).mkdir()
    server.watch(str(tmp_path / "data"))
    mkdocs_plugin._poll_often(server.observer)
    server.watch(str(tmp_path / "docs"))
    taken: list[str] = []
    mkdocs_plugin._IDLE.clear()  # a rebuild runs
    try:
        threads = [threading.Thread(target=lambda e=e: taken.append(e._take_snapshot() and e.watch.path))
                   for e in server.observer.emitters]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        assert taken == [], "the watcher took a snapshot during a rebuild"
    finally:
        mkdocs_plugin._IDLE.set()  # the rebuild is over
    for thread in threads:
        thread.join(timeout=5)
    assert sorted(taken) == sorted(str(tmp_path / f) for f in ("data", "docs"))


def test_the_theme_is_listed_once_and_again_when_the_projects_overrides_change(tmp_path):
    """MkDocs lists the theme's 14,500 files at each build of each language; the preview keeps the list, and a file
    an editor adds to overrides/ (or a static template) is listed at the next rebuild."""
    import shutil

    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from conftest import ROOT

    shutil.copytree(ROOT / "overrides", tmp_path / "overrides")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    (tmp_path / "build" / "docs").mkdir(parents=True)
    config = load_config(str(tmp_path / "mkdocs.yml"))
    env = config.theme.get_env()

    def listed() -> list[tuple[str, str]]:
        files = Files([])
        files.add_files_from_theme(env, config)
        return sorted((f.src_uri, f.abs_dest_path) for f in files)

    made = listed()
    preview.keep_theme_listing()
    assert listed() == made  # the same files, from the kept list
    (tmp_path / "overrides" / "assets" / "new").mkdir(parents=True)
    (tmp_path / "overrides" / "assets" / "new" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert ("assets/new/logo.svg", str(tmp_path / "site" / "assets" / "new" / "logo.svg")) in listed()


def test_the_preview_compiles_every_page_template_before_the_first_save():
    """The server's first build renders nothing when the pages are intact: the templates are compiled once it is up
    (mkdocs_plugin.on_serve), not in an editor's first save."""
    from casegen import render

    env = render._environment(render.TEMPLATES)
    env.cache.clear()
    render.compile_templates()
    compiled = {key[1] for key in env.cache.keys()}
    assert {"story.md.j2", "data.md.j2", "home.md.j2", "cases.md.j2", "comparison.md.j2"} <= compiled
    assert not any(name.startswith("new/") or name == "handout.html.j2" for name in compiled)


def test_a_rebuild_notes_its_time_once_casegen_has_written_so_the_next_passes_over_it(tmp_path, monkeypatch):
    """The next rebuild passes over the assets written before this note (MkDocs saw them in this rebuild). Noted
    before casegen wrote, the first save after the server started went again through every file the server's
    first build had regenerated (thousands at 1,000 cases)."""
    from types import SimpleNamespace

    from casegen import mkdocs_plugin, preview

    chart = tmp_path / "build" / "docs" / "cases" / "a" / "charts" / "x.svg"

    def generate_docs(root, timings, preview=False):  # the first build writes the chart, the save nothing
        timings.update(files_written=0, files_removed=0, search_data_written=False)
        if not chart.exists():
            chart.parent.mkdir(parents=True, exist_ok=True)
            chart.write_text("<svg/>", encoding="utf-8")
            timings["files_written"] = 1

    monkeypatch.setattr(mkdocs_plugin, "generate_docs", generate_docs)
    monkeypatch.setattr(preview, "_GENERATED", {})
    monkeypatch.setenv("CASEGEN_SERVE", "1")
    config = SimpleNamespace(site_dir=str(tmp_path / "site"), config_file_path=str(tmp_path / "mkdocs.yml"),
                             docs_dir=str(tmp_path / "build" / "docs"), theme=SimpleNamespace(dirs=[]))
    plugin = mkdocs_plugin.CasegenPlugin()
    try:
        for _ in range(2):  # the server's first build, then a save's
            plugin._depth = 0
            plugin.on_pre_build(config)
            plugin._lock.close()
    finally:
        mkdocs_plugin._IDLE.set()
    assert plugin._since is not None and chart.stat().st_mtime < plugin._since


def test_the_preview_compares_every_group_when_it_plans_and_a_build_only_when_it_renders(monkeypatch):
    """The server's first build renders no comparison when the pages are intact: the preview compares the groups
    as it plans, so that an editor's first save finds them compared (the next compare only what changed)."""
    from casegen import derive, render
    from casegen.memo import Kept
    from casegen.validate import validate

    from conftest import ROOT

    lib = validate(ROOT / "data")
    compared: list[str] = []
    compare = derive._compare
    monkeypatch.setattr(derive, "_compare", lambda lib, groups: compared.extend(groups) or compare(lib, groups))
    monkeypatch.setattr(derive, "_COMPARED", Kept(256))
    render.site_units(lib, "", {}, preview=False)
    assert compared == []
    render.site_units(lib, "", {}, preview=True)
    assert sorted(compared) == sorted(lib.groups)
    render.site_units(lib, "", {}, preview=True)
    assert sorted(compared) == sorted(lib.groups)  # kept: nothing compared again


def test_a_rebuild_that_wrote_nothing_stops_only_when_the_site_holds_a_whole_rebuild_with_the_same_settings(
        tmp_path, monkeypatch):
    """A save that changes nothing the site is made from (a swap file under data/, data with a problem) need not
    go through MkDocs; a rebuild that failed, or a change to mkdocs.yml or to the project's overrides, must."""
    from types import SimpleNamespace

    monkeypatch.setattr(preview, "DIRTY", True)
    monkeypatch.setattr(preview, "_WHOLE", {})
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "overrides" / "partials").mkdir(parents=True)
    (tmp_path / "overrides" / "partials" / "search.html").write_text("<div></div>", encoding="utf-8")
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"),
                             theme=SimpleNamespace(dirs=[str(tmp_path / "overrides")]))
    site = str(tmp_path / "site")
    state = preview.settings_state(config)
    assert not preview.nothing_to_rebuild(site, False, state)  # no rebuild yet
    preview.rebuilt(site, state)
    assert preview.nothing_to_rebuild(site, False, state)
    assert not preview.nothing_to_rebuild(site, True, state)  # casegen wrote a page
    (tmp_path / "overrides" / "partials" / "search.html").write_text("<div class=a></div>", encoding="utf-8")
    assert not preview.nothing_to_rebuild(site, False, preview.settings_state(config))  # a template edited
    state = preview.settings_state(config)
    preview.rebuilt(site, state)
    (tmp_path / "mkdocs.yml").write_text("site_name: y\n", encoding="utf-8")
    assert not preview.nothing_to_rebuild(site, False, preview.settings_state(config))
    state = preview.settings_state(config)
    preview.rebuilt(site, state)
    preview.rebuilt(site, None)  # a rebuild failed after it had begun
    assert not preview.nothing_to_rebuild(site, False, state)
    monkeypatch.setattr(preview, "DIRTY", False)  # not a dirty preview: never
    preview.rebuilt(site, state)
    assert not preview.nothing_to_rebuild(site, False, state)


def test_the_servers_builder_takes_a_rebuild_with_nothing_to_do_as_done():
    calls = []

    def builder():
        calls.append(1)
        raise preview.NothingToRebuild("casegen: nothing to rebuild")

    wrapped = preview.skipping(builder)
    assert wrapped() is None and calls == [1]
    assert preview.skipping(wrapped) is wrapped

    def failing():
        raise ValueError("a template failed")

    import pytest

    with pytest.raises(ValueError):
        preview.skipping(failing)()


def test_a_rebuild_lists_the_pages_and_what_was_written_since_the_last_and_notes_what_it_passed_over(tmp_path,
                                                                                                     monkeypatch):
    """MkDocs' own listing (get_files), as the preview makes it walk: a file that is no page, that this language's
    build saw in the previous rebuild and that was not written since, is not listed (its output is in the site),
    and is counted among the outputs all the same."""
    import os
    import time

    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    docs = tmp_path / "docs"
    for rel in ("index.md", "cases/a/index.md", "cases/a/charts/x.svg", "cases/a/charts/y.svg", "cases/a/d.csv"):
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("x", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    site = str(tmp_path / "site")
    monkeypatch.setattr(preview, "DIRTY", True)
    monkeypatch.setattr(preview, "_ASSETS", {})
    monkeypatch.setattr(preview, "_PASSED", {})
    import mkdocs.structure.files as listing

    monkeypatch.setattr(listing, "os", listing.os)  # as it was, after the test
    preview.list_quickly()
    old = time.time() - 60
    for rel in ("index.md", "cases/a/index.md", "cases/a/charts/x.svg", "cases/a/d.csv"):
        os.utime(docs / rel, (old, old))
    since = time.time() - 30  # y.svg was written after it: this rebuild's generation changed it

    def listed() -> set[str]:
        try:
            return {f.src_uri for f in get_files(config)}
        finally:
            preview.end_listing()

    preview.begin_listing(site, 1, str(docs), since)  # the server's first build: everything
    every = listed()
    assert every == {"index.md", "cases/a/index.md", "cases/a/charts/x.svg", "cases/a/charts/y.svg", "cases/a/d.csv"}
    seen_before = [type("F", (), {"src_uri": uri, "is_documentation_page": lambda self, u=uri: u.endswith(".md"),
                                  "abs_dest_path": f"{site}/{uri}"})() for uri in sorted(every)]
    preview.seen(site, 1, seen_before, seen_before)

    (docs / "cases/a/charts/z.svg").write_text("new", encoding="utf-8")  # a chart this rebuild added
    preview.begin_listing(site, 1, str(docs), since)
    assert listed() == {"index.md", "cases/a/index.md", "cases/a/charts/y.svg", "cases/a/charts/z.svg"}
    assert preview.seen(site, 1, [], []) == {"cases/a/charts/x.svg", "cases/a/d.csv"}  # still outputs
    assert "cases/a/charts/x.svg" in preview.passed_over()

    preview.begin_listing(site, 2, str(docs), since)  # a language whose build did not see them: every file
    assert listed() == every | {"cases/a/charts/z.svg"}


def test_each_language_file_is_made_once_and_handed_out_as_mkdocs_static_i18n_makes_it(tmp_path, monkeypatch):
    """The preview keeps mkdocs-static-i18n's file for each file and language (its paths, address and locale) and
    hands out a copy with alternates of its own, as the plugin's function gives at every call."""
    from types import SimpleNamespace

    from mkdocs.structure.files import File
    from mkdocs_static_i18n import suffix

    original = suffix.create_i18n_file
    monkeypatch.setattr(suffix, "create_i18n_file", original)  # as it was, after the test
    preview.keep_language_files()
    kept = suffix.create_i18n_file
    assert kept is not original
    config = SimpleNamespace(docs_dir=str(tmp_path / "docs"), site_dir=str(tmp_path / "site"), use_directory_urls=True)

    def made(uri: str, lang: str, make):
        return make(File(uri, config.docs_dir, config.site_dir, True), lang, "zh", ["zh", "en"], config)

    shown = ("src_uri", "dest_uri", "url", "abs_dest_path", "name", "locale", "localization", "norm_src_uri",
             "locale_alternate_of", "inclusion")
    for uri in ("index.md", "index.en.md", "cases/a/index.md", "cases/a/index.en.md", "cases/a/charts/x.en.svg",
                "cases/a/downloads/a.csv"):
        for lang in ("zh", "en"):
            want = made(uri, lang, original)
            first, again = made(uri, lang, kept), made(uri, lang, kept)
            for got in (first, again):
                assert [getattr(got, a) for a in shown] == [getattr(want, a) for a in shown], (uri, lang)
                assert got.alternates == {lang: got}
            assert first is not again and first.alternates is not again.alternates
    assert made("cases/b/index.en.md", "en", kept).url == made("cases/b/index.en.md", "en", original).url == "en/cases/b/"
