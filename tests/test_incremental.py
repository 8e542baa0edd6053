"""Incremental generation: the cache of charts and pages gives the bytes a cold build gives, rewrites only
what changed, and a change to data, a template or the code invalidates what it should."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from casegen import render
from casegen.build import build, copy_site_files
from casegen.problems import DataError
from conftest import MINIMAL, ROOT, Project

PAGE = "cases/east-west/index.md"
OTHER = "cases/west-east/index.md"


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setenv("CASEGEN_NO_PDF", "1")


def two_cases(path: Path) -> Project:
    """The minimal library with a second case, so that one case can change while the other does not."""
    shutil.copytree(MINIMAL, path)
    copy_site_files(ROOT, path)
    project = Project(path)
    shutil.copytree(path / "data/cases/east-west", path / "data/cases/west-east")
    project.replace("data/cases/west-east/case.yaml", "title: {zh: 东西协作, en: East–West cooperation}",
                    "title: {zh: 西东协作, en: West–East cooperation}")
    project.replace("data/cases/west-east/figures.csv", "funds,35.5,万元", "funds,45.5,万元")
    # two pairings reporting an indicator make a comparison page
    project.append("data/metrics.yaml", "indicators:\n"
                   "  - {id: workers-placed, group: placement, zh: 务工人数, en: Workers placed, definition_zh: 务工人数。,"
                   " definition_en: Workers placed., metrics: [{metric: workers}]}\n"
                   "  - {id: funds-spent, group: funds, zh: 资金, en: Funds, definition_zh: 投入的资金。,"
                   " definition_en: Funds spent., metrics: [{metric: funds}]}\n")
    return project


def generate(project: Project, site: bool = False) -> dict:
    timings: dict = {}
    build(project.root, site=site, timings=timings)
    return timings


def docs(project: Project) -> Path:
    return project.root / "build" / "docs"


def snapshot(project: Project) -> dict[str, tuple[int, int, bytes]]:
    """Every file of build/docs: (inode, mtime in ns, bytes)."""
    root = docs(project)
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(root).as_posix()] = (st.st_ino, st.st_mtime_ns, path.read_bytes())
    return out


def touched(before: dict, after: dict) -> set[str]:
    """Files written (new inode or mtime), added or removed between two snapshots."""
    return {rel for rel in before.keys() | after.keys()
            if rel not in before or rel not in after or before[rel][:2] != after[rel][:2]}


@pytest.fixture(scope="module")
def drawn_charts(tmp_path_factory) -> Path:
    """The chart cache of the two cases, drawn once for the module: the charts are the same in every test's
    copy, and drawing them is most of a generation's time. Tests of a cold build make their own copy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASEGEN_NO_PDF", "1")
        seed = two_cases(tmp_path_factory.mktemp("drawn") / "p")
        generate(seed)
    return seed.root / "build" / "cache"


@pytest.fixture
def project(tmp_path, drawn_charts) -> Project:
    """The two cases generated once, their charts taken from the module's cache."""
    project = with_charts(two_cases(tmp_path / "p"), drawn_charts)
    generate(project)
    return project


def with_charts(project: Project, drawn_charts: Path) -> Project:
    shutil.copytree(drawn_charts, project.root / "build" / "cache")  # a copy: a test may change its cache
    return project


def test_a_warm_build_renders_and_writes_nothing(project):
    before = snapshot(project)
    timings = generate(project)
    assert timings["units_rendered"] == 0 and timings["charts_rendered"] == 0 and timings["files_written"] == 0
    assert snapshot(project) == before


def test_an_edited_figure_shows_on_the_rebuilt_page_and_only_what_depends_on_it_is_rewritten(project):
    data = PAGE.replace("index.md", "data.md")  # every figure of the case is on its data page
    before = snapshot(project)
    assert "7000" in before[data][2].decode()
    project.replace("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")
    timings = generate(project)
    after = snapshot(project)
    assert "7123" in after[data][2].decode() and "7000" not in after[data][2].decode()
    assert "7,123" in after[data.replace(".md", ".en.md")][2].decode()
    changed = touched(before, after)
    assert data in changed and "cases/east-west/downloads/east-west.csv" in changed
    # the other case, its charts and downloads, and the pages that list cases without their figures: untouched
    assert not {rel for rel in changed if rel.startswith(("cases/west-east/", "mechanisms/", "cases/index"))}
    # the gallery names each chart by its title (the case page describes its numbers): its pages stay as they were
    assert not {rel for rel in changed if rel.startswith("gallery/")}
    assert OTHER in after and after[OTHER] == before[OTHER]
    assert timings["charts_rendered"] >= 1  # the charts that draw the figure, no others
    assert not [rel for rel in changed if rel.endswith((".svg", ".png")) and "/west-east/" in rel]


def test_an_edited_figure_lays_out_the_charts_of_its_own_story_only(project, monkeypatch):
    """The gallery lists every story's charts; after an edit it takes the others' from the cache, so that an edit's
    rebuild does not grow with the library."""
    from casegen import charts

    laid_out = []
    real = charts.case_charts
    monkeypatch.setattr(charts, "case_charts", lambda lib, slug, lang: laid_out.append(slug) or real(lib, slug, lang))
    project.replace("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")
    generate(project)
    gallery = (docs(project) / "gallery" / "index.md").read_text(encoding="utf-8")
    assert set(laid_out) == {"east-west"}
    assert "cases/west-east/charts/" in gallery and "cases/east-west/charts/" in gallery


def test_an_edited_figure_rewrites_the_comparison_of_its_group_only(project):
    before = snapshot(project)
    project.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "funds,36.5,万元")
    generate(project)
    changed = touched(before, snapshot(project))
    assert "compare/funds/index.md" in changed
    assert not {rel for rel in changed if rel.startswith("compare/placement/")}
    assert "compare/index.md" not in changed and "sources/index.md" not in changed


def test_the_edited_figure_shows_in_the_built_site(tmp_path, drawn_charts):
    project = with_charts(two_cases(tmp_path / "p"), drawn_charts)
    generate(project, site=True)
    project.replace("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")
    generate(project, site=True)
    html = (project.root / "site/cases/east-west/data/index.html").read_text(encoding="utf-8")
    assert "7123" in html and "7000人" not in html


def test_an_incremental_build_gives_the_bytes_of_a_cold_build(project, tmp_path):
    project.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "funds,36.5,万元")
    project.replace("data/cases/west-east/case.yaml", "summary: {zh: 概要。, en: Summary.}",
                    "summary: {zh: 另一个概要。, en: Another summary.}")
    generate(project)
    cold = two_cases(tmp_path / "cold")
    for rel in ("data/cases/east-west/figures.csv", "data/cases/west-east/case.yaml"):
        shutil.copy(project.root / rel, cold.root / rel)
    generate(cold)
    assert {k: v[2] for k, v in snapshot(project).items()} == {k: v[2] for k, v in snapshot(cold).items()}


def test_a_removed_case_takes_its_files_with_it(project):
    shutil.rmtree(project.root / "data/cases/west-east")
    generate(project)
    assert not (docs(project) / "cases/west-east").exists()
    assert (docs(project) / PAGE).exists()
    assert "West–East" not in (docs(project) / "cases/index.en.md").read_text(encoding="utf-8")


def test_a_story_template_change_rewrites_the_story_pages_only(project, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    before = snapshot(project)
    story = templates / "story.md.j2"
    story.write_text(story.read_text(encoding="utf-8") + "\n<!-- template changed -->\n", encoding="utf-8")
    timings = generate(project)
    after = snapshot(project)
    changed = touched(before, after)
    pages = {PAGE, PAGE.replace(".md", ".en.md"), OTHER, OTHER.replace(".md", ".en.md")}
    assert changed == pages
    assert all(b"<!-- template changed -->" in after[rel][2] for rel in pages)
    assert timings["charts_rendered"] == 0  # charts are keyed on their spec, not on page templates


def test_a_label_change_reaches_every_page_that_uses_it(project, tmp_path, monkeypatch):
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    labels = templates / "labels.yaml"
    text = labels.read_text(encoding="utf-8")
    assert "All cases" in text
    labels.write_text(text.replace("All cases", "Every case"), encoding="utf-8")
    generate(project)
    assert "Every case" in (docs(project) / "cases/index.en.md").read_text(encoding="utf-8")


def test_a_code_change_renders_everything_again_but_rewrites_only_changed_bytes(project, monkeypatch):
    before = snapshot(project)
    monkeypatch.setattr(render, "code_version", lambda: "another version of the generator")
    timings = generate(project)
    manifest = json.loads((project.root / "build" / "docs-manifest.json").read_text(encoding="utf-8"))
    assert timings["units_rendered"] == len(manifest["units"]) > 2
    assert snapshot(project) == before  # same output: nothing written


def test_a_file_changed_behind_the_generators_back_is_restored(project):
    page = docs(project) / PAGE
    good = page.read_bytes()
    page.write_text("edited by hand\n", encoding="utf-8")
    generate(project)
    assert page.read_bytes() == good
    (docs(project) / "stray.md").write_text("not generated\n", encoding="utf-8")
    generate(project)
    assert not (docs(project) / "stray.md").exists()


def test_a_failed_generation_leaves_build_docs_as_it_was(project):
    before = snapshot(project)
    project.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "fundz,35.5,万元")
    with pytest.raises(DataError):
        generate(project)
    assert snapshot(project) == before


def test_a_deleted_build_docs_is_generated_again_from_the_cache(project):
    before = {k: v[2] for k, v in snapshot(project).items()}
    shutil.rmtree(docs(project))
    timings = generate(project)
    assert timings["charts_rendered"] == 0  # every chart came from the cache
    assert {k: v[2] for k, v in snapshot(project).items()} == before


def test_two_cold_builds_give_the_same_bytes(project, tmp_path):
    other = two_cases(tmp_path / "again")
    generate(other)
    assert {k: v[2] for k, v in snapshot(project).items()} == {k: v[2] for k, v in snapshot(other).items()}
    assert os.path.exists(project.root / "build" / "docs-manifest.json")


def test_handouts_are_reprinted_only_for_pages_that_changed(tmp_path, monkeypatch, drawn_charts):
    monkeypatch.delenv("CASEGEN_NO_PDF")
    project = with_charts(two_cases(tmp_path / "p"), drawn_charts)  # charts, but no handout yet
    assert generate(project, site=True)["handouts_printed"] == 4  # two cases, two languages
    pdf = project.root / "site/cases/east-west/east-west-handout.pdf"
    first = pdf.read_bytes()
    assert generate(project, site=True)["handouts_printed"] == 0
    assert pdf.read_bytes() == first
    project.replace("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")
    assert generate(project, site=True)["handouts_printed"] == 2  # east-west in both languages
    assert pdf.read_bytes() != first
    other = project.root / "site/en/cases/west-east/west-east-handout.pdf"
    assert other.read_bytes().startswith(b"%PDF")


def preview(project: Project) -> dict:
    from casegen.build import generate_docs

    timings: dict = {}
    generate_docs(project.root, timings=timings, preview=True)
    return timings


def test_the_preview_takes_a_builds_pages_as_they_are(project):
    before = snapshot(project)
    assert preview(project)["units_rendered"] == 0
    assert snapshot(project) == before


def test_the_preview_leaves_the_binary_downloads_to_the_build_and_says_so(project, tmp_path):
    """The live preview draws an edit's charts as SVG only: no PNG, deck, workbook or library CSV (the time an
    editor waits is mostly theirs); its pages say the build makes them, and the next full build gives a cold
    build's bytes."""
    project.replace("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")
    preview(project)
    files = {p.relative_to(docs(project)).as_posix() for p in docs(project).rglob("*") if p.is_file()}
    page = (docs(project) / PAGE).read_text(encoding="utf-8")
    english = (docs(project) / PAGE.replace(".md", ".en.md")).read_text(encoding="utf-8")
    assert "7123" in (docs(project) / PAGE.replace("index.md", "data.md")).read_text(encoding="utf-8")
    assert not [f for f in files if f.startswith("cases/east-west/") and f.endswith((".png", ".pptx"))]
    assert [f for f in files if f.startswith("cases/east-west/charts/") and f.endswith(".svg")]
    assert ".png" not in page and "-deck.pptx" not in page and ".png" not in english
    assert "预览时不生成，由 casegen build 生成" in page and "not made in the preview; casegen build makes it" in english
    assert not [f for f in files if f.endswith(".xlsx")]
    # nor the whole library's CSV files: its downloads page names them, unlinked, as the build's
    assert not [f for f in files if f.startswith("downloads/") and not f.endswith(".md")]
    assert "- figures.csv（预览时不生成" in (docs(project) / "downloads/index.md").read_text(encoding="utf-8")
    # the workbook named inside a sentence reads as part of it, not as the list's label
    assert "下载 Excel 工作簿（预览时不生成，由 casegen build 生成），" in (docs(project) / "downloads/index.md").read_text(encoding="utf-8")
    assert "download the Excel workbook (not made in the preview; casegen build makes it):" in \
        (docs(project) / "downloads/index.en.md").read_text(encoding="utf-8")
    assert "16x9.png" not in (docs(project) / "gallery/index.md").read_text(encoding="utf-8")
    # the case that did not change keeps what the build made
    assert [f for f in files if f.startswith("cases/west-east/") and f.endswith(".png")]

    generate(project)
    cold = two_cases(tmp_path / "cold")
    shutil.copy(project.root / "data/cases/east-west/figures.csv", cold.root / "data/cases/east-west/figures.csv")
    generate(cold)
    assert {k: v[2] for k, v in snapshot(project).items()} == {k: v[2] for k, v in snapshot(cold).items()}


def unit_keys(project: Project) -> dict[str, str]:
    manifest = json.loads((project.root / "build" / "docs-manifest.json").read_text(encoding="utf-8"))
    return {name: unit["key"] for name, unit in manifest["units"].items()}


def test_the_flags_page_and_each_mechanism_page_are_rendered_again_only_for_their_own_figures(project):
    """At 1,000 cases these pages took seconds each: an edit renders them again only when it changes what they
    show (a flagged figure; a figure that a use of the mechanism names)."""
    project.append("data/cases/east-west/case.yaml",
                   "mechanism_uses:\n  - {mechanism: job-fairs, zh: 招聘会。, en: Job fairs., figures: [{metric: funds}]}\n")
    project.replace("data/cases/west-east/figures.csv", "workers_other,5000,人,,,2018-12,west-prov,actual,,src,para 1,,,,,",
                    "workers_other,5000,人,,,2018-12,west-prov,actual,,src,para 1,,,ambiguous,原文含糊。,The source is vague.")
    generate(project)
    flags = (docs(project) / "flags/index.md").read_text(encoding="utf-8")
    assert "原文含糊" in flags
    before = unit_keys(project)
    assert "mechanism:job-fairs" in before and "flags" in before

    def rendered_again() -> set[str]:
        after = unit_keys(project)
        return {name for name in after if before.get(name) != after[name]}

    project.replace("data/cases/east-west/figures.csv", "workers_poor,7000,人", "workers_poor,7123,人")
    generate(project)
    assert "story:east-west" in rendered_again()
    assert not {"flags", "mechanism:job-fairs"} & rendered_again()

    project.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "funds,36.5,万元")
    generate(project)
    assert "mechanism:job-fairs" in rendered_again() and "flags" not in rendered_again()
    assert "36\\.5万元" in (docs(project) / "mechanisms/job-fairs.md").read_text(encoding="utf-8")

    project.replace("data/cases/west-east/figures.csv", "workers_other,5000,人", "workers_other,5100,人")
    generate(project)
    assert "flags" in rendered_again()
    assert "5100" in (docs(project) / "flags/index.md").read_text(encoding="utf-8")


def test_a_reworded_narrative_renders_its_own_story_and_leaves_the_lists_alone(project):
    """The lists (indexes, comparisons, home, sources, gallery) show a story's title, pairing, period and summary,
    never its narrative: rewording the narrative, as an editor does with each edited figure the story mentions,
    renders the story's own pages, not every list; its mechanisms' pages are rendered again when its use of them
    changes."""
    mark = "叙述标记"
    narrative = {"background: {zh: 背景。, en: Background.}": "背景",
                 "measures: {zh: 做法。, en: Measures.}": "做法", "results: {zh: 成效。, en: Results.}": "成效",
                 "lessons: {zh: 经验。, en: Lessons.}": "经验"}
    for line, word in narrative.items():
        project.replace("data/cases/east-west/case.yaml", line, line.replace(word, word + mark))
    project.append("data/cases/east-west/case.yaml",
                   f"questions:\n  - {{zh: 问题{mark}？, en: A question?}}\n"
                   f"takeaways:\n  - {{zh: 要点{mark}。, en: A takeaway.}}\n")
    generate(project)
    before = unit_keys(project)
    manifest = json.loads((project.root / "build" / "docs-manifest.json").read_text(encoding="utf-8"))
    own = set(manifest["units"]["story:east-west"]["files"]) | set(manifest["units"]["mechanism:job-fairs"]["files"])
    # the guard of the keys below: no list shows any of the narrative
    showing = {p.relative_to(docs(project)).as_posix() for p in docs(project).rglob("*.md")
               if mark in p.read_text(encoding="utf-8")}
    assert showing and showing <= own, sorted(showing - own)

    project.replace("data/cases/east-west/case.yaml", "成效" + mark, "新的成效" + mark)
    generate(project)
    after = unit_keys(project)
    assert {name for name in after if before[name] != after[name]} == {"story:east-west", "downloads"}
    assert "新的成效" in (docs(project) / PAGE).read_text(encoding="utf-8")
    # a mechanism's page quotes the story's use of it: rewording the use renders that page again
    project.append("data/cases/east-west/case.yaml",
                   f"mechanism_uses:\n  - {{mechanism: job-fairs, zh: 招聘会{mark}。, en: Job fairs.}}\n")
    generate(project)
    assert "mechanism:job-fairs" in {name for name, key in unit_keys(project).items() if after[name] != key}
    assert "招聘会" + mark in (docs(project) / "mechanisms/job-fairs.md").read_text(encoding="utf-8")
    after = unit_keys(project)

    project.replace("data/cases/east-west/case.yaml", "title: {zh: 东西协作", "title: {zh: 东西新协作")
    generate(project)
    assert {"cases", "home", "gallery"} <= {name for name, key in unit_keys(project).items() if after[name] != key}
    assert "东西新协作" in (docs(project) / "cases/index.md").read_text(encoding="utf-8")


def test_an_edited_figure_compares_again_only_its_own_group(project, monkeypatch):
    """A live preview's process keeps each group's comparison by what it depends on: an edit compares again the
    groups whose figures it changed, not every group over the whole library, and the pages are a cold build's."""
    from casegen import derive

    compared = []
    real = derive._compare
    monkeypatch.setattr(derive, "_compare", lambda lib, groups: compared.append(sorted(groups)) or real(lib, groups))
    project.replace("data/cases/east-west/figures.csv", "funds,35.5,万元", "funds,36.5,万元")
    generate(project)
    compared.clear()
    project.replace("data/cases/east-west/figures.csv", "funds,36.5,万元", "funds,37.5,万元")
    generate(project)
    assert compared == [["funds"]]
    assert "37\\.5" in (docs(project) / "compare/funds/index.md").read_text(encoding="utf-8")
