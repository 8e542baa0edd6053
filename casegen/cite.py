"""Citations of a case in GB/T 7714-2015, APA 7, BibTeX and CSL-JSON.

Each names the case's stable URL and the date its data last changed (from git, so the same
commit gives the same text), never the build date.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

PUBLISHER = {"zh": "东西部扶贫劳务协作案例库", "en": "East–West Labour Cooperation Case Library"}
def last_changed(root: Path, paths: list[str]) -> str | None:
    """The commit date (YYYY-MM-DD) of the last change to ``paths``, or None outside git."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *paths], cwd=root, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return out or None


def last_changed_folders(root: Path, folders: list[str]) -> dict[str, str | None]:
    """``last_changed`` of many folders with one walk of the history instead of one ``git log`` each
    (a thousand cases took seconds of every build). Same answer: the newest commit, in ``git log``'s
    order, whose changes touch a file in the folder; None outside git."""
    if not folders:
        return {}
    parents = sorted({f.rsplit("/", 1)[0] for f in folders})
    base = ["git", "log", "--format=%x00%cs", "--name-only", "--relative", "--no-renames"]
    out = None
    # --diff-merges=dense-combined lists the files a merge changed against every parent, as git log -- path
    # reports such a merge; older gits without the option fall back to the plain walk.
    for extra in (["--diff-merges=dense-combined"], []):
        try:
            out = subprocess.run([*base, *extra, "--", *parents], cwd=root, capture_output=True, text=True,
                                 check=True).stdout
            break
        except (OSError, subprocess.CalledProcessError):
            continue
    if out is None:
        return {folder: None for folder in folders}
    wanted = set(folders)
    found: dict[str, str] = {}
    for chunk in out.split("\0")[1:]:
        date, _, names = chunk.partition("\n")
        for name in names.splitlines():
            parts = name.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth])
                if folder in wanted and folder not in found:
                    found[folder] = date.strip()
        if len(found) == len(wanted):
            break
    return {folder: found.get(folder) for folder in folders}


@dataclass(frozen=True)
class Citation:
    gbt: str
    apa: str
    bibtex: str
    csl: str  # CSL-JSON text


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def bib_escape(value: str) -> str:
    """Text safe inside a BibTeX field: TeX's special characters escaped, braces balanced."""
    specials = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(specials.get(ch, ch) for ch in value)


def cite(slug: str, title: str, lang: str, url: str | None, changed: str | None) -> Citation:
    """The four citation formats of one case page in one language; without a known ``url``, none names an
    address (a made-up one would send readers nowhere)."""
    publisher = PUBLISHER[lang]
    year, month, day = (changed.split("-") if changed else ("n.d.", "", ""))
    if lang == "zh":
        gbt = f"{publisher}. {title}[EB/OL]. ({changed or '日期不详'})[引用日期]."
    else:
        gbt = f"{publisher}. {title}[EB/OL]. ({changed or 'n.d.'})[cited date]."
    if url:
        gbt += f" {url}."
    if lang == "zh":  # APA as Chinese journals write it: the date in Chinese, full-width brackets and stops
        date_apa = f"{int(year)}年{int(month)}月{int(day)}日" if changed else "日期不详"
        apa = f"{publisher}（{date_apa}）。{title}。" + (f"{url}" if url else "")
    else:
        date_apa = f"{year}, {_MONTHS[int(month) - 1]} {int(day)}" if changed else "n.d."
        apa = f"{publisher}. ({date_apa}). {title}." + (f" {url}" if url else "")
    bib_fields = [f"  title = {{{bib_escape(title)}}}", f"  author = {{{{{publisher}}}}}"]
    if url:
        bib_fields += [f"  howpublished = {{\\url{{{url}}}}}", f"  url = {{{url}}}"]
    bib_fields.append(f"  language = {{{'chinese' if lang == 'zh' else 'english'}}}")
    if changed:
        note = f"数据最后修改：{changed}" if lang == "zh" else f"Data last changed {changed}"  # the page's words
        bib_fields += [f"  year = {{{year}}}", f"  month = {{{int(month)}}}", f"  note = {{{note}}}"]
    bibtex = f"@misc{{ewlc-{slug}-{lang},\n" + ",\n".join(bib_fields) + "\n}"
    item = {"id": f"ewlc-{slug}-{lang}", "type": "webpage", "title": title, "author": [{"literal": publisher}],
            "container-title": publisher, "language": "zh-CN" if lang == "zh" else "en"}
    if url:
        item["URL"] = url
    if changed:
        item["issued"] = {"date-parts": [[int(year), int(month), int(day)]]}
    csl = json.dumps([item], ensure_ascii=False, indent=2) + "\n"
    return Citation(gbt, apa, bibtex, csl)
