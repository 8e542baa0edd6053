"""A full build renders each language in its own process (casegen.language_builds), with the same site."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest

from casegen.build import BuildError, copy_site_files, run_mkdocs
from conftest import Project


def _pages_of(built: Project, dest: Path) -> Project:
    """A project holding ``built``'s generated pages and site files, to run MkDocs on it again."""
    copy_site_files(built.root, dest)
    shutil.copytree(built.root / "build" / "docs", dest / "build" / "docs")
    return Project(dest)


def _files(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def both_ways(built_site, tmp_path_factory) -> tuple[Path, Path]:
    """The same pages built by MkDocs with the languages side by side (as every build) and one after the other."""
    project = _pages_of(built_site, tmp_path_factory.mktemp("languages") / "project")
    side_by_side, one_by_one = project.root / "side-by-side", project.root / "one-by-one"
    run_mkdocs(project.root, side_by_side)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASEGEN_ONE_PROCESS", "1")
        run_mkdocs(project.root, one_by_one)
    return side_by_side, one_by_one


def test_the_languages_built_side_by_side_give_the_same_site(both_ways):
    side_by_side, one_by_one = both_ways
    files = _files(side_by_side)
    assert files == _files(one_by_one)
    assert len(files) > 500 and "en/cases/longyou-xuyong/index.html" in files
    _, differ, errors = filecmp.cmpfiles(side_by_side, one_by_one, sorted(files), shallow=False)
    assert not errors and differ == []


@pytest.mark.parametrize("way", ["side by side", "one after the other"])
def test_the_not_found_page_is_the_first_languages_and_offers_each_languages_home(both_ways, way):
    """One 404.html at the root serves every missing address: the Chinese build's (the English build used to
    overwrite it), its language selector leading to each home (not to the last page built's twins)."""
    page = (both_ways[0 if way == "side by side" else 1] / "404.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in page and "找不到这个页面" in page
    links = re.findall(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link"', page)
    assert links == [("/", "zh"), ("/en/", "en")]


@pytest.mark.parametrize("page, link", [("method.en.md", "[a page that is not there](nowhere.md)"),
                                        ("method.md", "[不存在的页面](nowhere.md)")])
def test_a_warning_in_one_languages_build_alone_fails_the_build(built_site, tmp_path, page, link):
    """In strict mode, as when the languages are built one after the other: the English build's warning is the
    child's, the Chinese one the parent's."""
    project = _pages_of(built_site, tmp_path / "project")
    project.append(f"build/docs/{page}", f"\n{link}\n")
    with pytest.raises(BuildError) as failed:
        run_mkdocs(project.root, project.root / "site")
    assert f"'{page}'" in str(failed.value) and "nowhere.md" in str(failed.value)


def test_a_previews_child_hands_back_all_it_wrote_and_a_child_that_never_ends_is_given_up():
    """A live preview's child writes what its build left to a pipe (more than a pipe holds at 1,000 cases) and
    exits; the parent reads it whole. A child that writes nothing and never ends is given up at the deadline."""
    import os
    import pickle
    import threading
    import time

    from casegen import language_builds

    state = pickle.dumps({"casegen": {"outputs": {f"en/cases/{i}/index.html" for i in range(100_000)}}})
    assert len(state) > 1 << 20
    read, write = os.pipe()

    def child() -> None:
        with os.fdopen(write, "wb") as out:
            out.write(state)

    writer = threading.Thread(target=child)
    writer.start()
    assert language_builds._read_all(read, time.monotonic() + 30) == state
    writer.join()

    taken = []
    language_builds.hand_back("test", lambda config: None, lambda config, value: taken.append((config, value)))
    try:
        language_builds._take("config", pickle.dumps({"test": 1, "unknown": 2}))
    finally:
        del language_builds._HAND_BACK["test"]
    assert taken == [("config", 1)]

    read, write = os.pipe()
    try:
        started = time.monotonic()
        assert language_builds._read_all(read, started + 0.3) is language_builds._LATE
        assert time.monotonic() - started < 5
    finally:
        os.close(write)
