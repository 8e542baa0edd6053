"""The site's address: SITE_URL, else mkdocs.yml, else the git remote's GitHub Pages address, else none;
a placeholder never reaches a page, and without an address citations carry none."""

from __future__ import annotations

import gzip
import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from casegen import address
from casegen.cite import cite


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    (tmp_path / "mkdocs.yml").write_text('site_url: !ENV [SITE_URL, ""]\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    return tmp_path


def set_remote(root, url):
    subprocess.run(["git", "remote", "add", "origin", url], cwd=root, check=True)


def test_nothing_known_means_no_address(project):
    found = address.resolve(project)
    assert found == address.Address(None, "none")
    assert "not known" in address.warning(found)


@pytest.mark.parametrize("remote, expected", [
    ("https://github.com/Some-Org/east-west-cases.git", "https://some-org.github.io/east-west-cases/"),
    ("git@github.com:some-org/east-west-cases.git", "https://some-org.github.io/east-west-cases/"),
    ("https://github.com/some-org/some-org.github.io", "https://some-org.github.io/"),
])
def test_a_github_remote_gives_its_pages_address(project, remote, expected):
    set_remote(project, remote)
    assert address.resolve(project) == address.Address(expected, "git remote")


def test_another_host_gives_no_address(project):
    set_remote(project, "https://gitlab.com/a/b.git")
    assert address.site_url(project) is None


def test_mkdocs_yml_comes_before_the_remote_and_site_url_before_both(project, monkeypatch):
    set_remote(project, "https://github.com/a/b.git")
    (project / "mkdocs.yml").write_text('site_url: !ENV [SITE_URL, "https://cases.org.cn/lib"]\n', encoding="utf-8")
    assert address.resolve(project) == address.Address("https://cases.org.cn/lib/", "mkdocs.yml")
    monkeypatch.setenv("SITE_URL", "https://mirror.edu.cn/")
    assert address.resolve(project) == address.Address("https://mirror.edu.cn/", "SITE_URL")


@pytest.mark.parametrize("url", ["https://east-west-cases.example.org/", "http://example.com", "https://x.invalid/",
                                 "javascript:alert(1)", "https://a.org/\"><script>", "ftp://a.org/", "https://"])
def test_a_placeholder_or_a_bad_address_counts_as_none(project, monkeypatch, url):
    monkeypatch.setenv("SITE_URL", url)
    found = address.resolve(project)
    assert found.url is None
    assert "not a published http(s) address" in address.warning(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_citations_without_an_address_name_none(lang):
    c = cite("yang-county", "阳县", lang, None, "2026-11-20")
    for text in (c.gbt, c.apa, c.bibtex, c.csl):
        assert "http" not in text and "None" not in text
    assert c.gbt.endswith("].") and c.apa.endswith("。" if lang == "zh" else ".")  # a Chinese APA line ends in 。
    assert "url" not in c.bibtex and "URL" not in c.csl


PLACEHOLDERS = re.compile(rb"example\.(org|com|net)|\.invalid\b|(?<![\w.])None(/|\w)")


def texts_of(site: Path):
    """(file, bytes) of every file of the site as a reader or a crawler gets it: gzip unpacked, a PDF's
    text and link addresses extracted."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        elif path.suffix == ".pdf":
            pdf = PdfReader(io.BytesIO(data))
            parts = [page.extract_text() or "" for page in pdf.pages]
            for page in pdf.pages:
                for annot in page.get("/Annots") or []:
                    action = annot.get_object().get("/A")
                    if action and "/URI" in action:
                        parts.append(str(action["/URI"]))
            data = "\n".join(parts).encode()
        elif path.suffix in (".png", ".woff2", ".woff", ".ttf", ".ico", ".xlsx", ".pptx"):
            continue
        yield path.relative_to(site).as_posix(), data


def test_a_site_built_without_an_address_names_no_placeholder(built_site):
    site = built_site.root / "site"
    assert "The site's address is not known" in built_site.build_output
    found = {rel: PLACEHOLDERS.search(data).group(0) for rel, data in texts_of(site) if PLACEHOLDERS.search(data)}
    assert not found, f"{len(found)} files name a placeholder address: {sorted(found.items())[:5]}"
    assert not (site / "sitemap.xml").exists()  # a sitemap needs absolute addresses
    page = (site / "cases/longyou-xuyong/index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in page and "[EB/OL]" in html.unescape(page)
    pdf = PdfReader(site / "cases/longyou-xuyong/longyou-xuyong-handout.pdf")
    links = [str(a.get_object()["/A"]["/URI"]) for p in pdf.pages for a in p.get("/Annots") or []
             if "/URI" in a.get_object().get("/A", {})]
    assert all(not link.startswith(("/", "file:")) for link in links), links
