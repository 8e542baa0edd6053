"""The home page's diagram of east → west pairings, drawn as a plain SVG (no JavaScript, prints well).

The home page puts it inline (``links`` given), so that each pairing is a link to its case and the page's colour
scheme reaches it: the classes cg-d-* take their colours from Material's variables (docs/assets/stylesheets/
pages.css), which override the fill and stroke attributes. The same SVG without links is the downloadable file,
in the light colours of its attributes."""

from __future__ import annotations

from html import escape

from .charts.text import text_width
from .load import Library

ROW, TOP = 56, 40
# Across: a margin, the eastern names (right-aligned), a gap, the arrows, a gap, the western names, a margin. The
# drawing is as wide as its names need, so that on a phone it shrinks little and its western side shows too.
MARGIN, GAP, ARROW = 12, 10, 150
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
ACCENT, GREY, INK = "#3949ab", "#9e9e9e", "#212121"


def pairings_svg(lib: Library, lang: str, links: dict[str, str] | None = None) -> str:
    """East regions on the left, west regions on the right, one arrow per pairing. ``links`` (case slug → href)
    makes each arrow, and each western region with one case, a link to that case."""
    def province(region_id: str) -> str:
        node = lib.regions[region_id]
        while node.level not in ("province", "country") and node.parent:
            node = lib.regions[node.parent]
        return node.id

    # Cases of one eastern province sit together, provincial pairing first: fewer crossing arrows.
    cases = sorted(lib.cases.items(), key=lambda kv: (province(kv[1].east), kv[1].level != "province", kv[0]))
    easts = list(dict.fromkeys(c.east for _, c in cases))
    wests = list(dict.fromkeys(c.west for _, c in cases))
    height = TOP + ROW * max(len(easts), len(wests)) + 16

    def name(region_id: str) -> str:
        return lib.regions[region_id].name(lang)

    def y(index: int, count: int) -> float:
        offset = (max(len(easts), len(wests)) - count) * ROW / 2
        return TOP + offset + index * ROW + ROW / 2

    heading_east, heading_west = ("东部帮扶方", "西部受援方") if lang == "zh" else ("Helping (east)", "Helped (west)")
    title = "东西部劳务协作结对" if lang == "zh" else "East–West labour cooperation pairings"
    legend = "实线：省级结对；虚线：市县结对" if lang == "zh" else "Solid: provincial pairing; dashed: city or county pairing"
    east_x = MARGIN + max([text_width(heading_east, 14), *(text_width(name(r), 16) for r in easts)])
    start, end = east_x + GAP, east_x + GAP + ARROW   # the arrows
    west_x = end + GAP
    width = max(round(west_x + max([text_width(heading_west, 14), *(text_width(name(r), 16) for r in wests)])
                      + MARGIN), round(text_width(legend, 14) + 2 * MARGIN))
    bend = (start + end) / 2
    role = 'role="group"' if links else 'role="img"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" {role} aria-labelledby="pairings-title" font-family="{FONT}" class="cg-d">',
             f'<title id="pairings-title">{escape(title)}</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             f'orient="auto"><path class="cg-d-accent-fill" d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>',
             f'<text class="cg-d-muted" x="{east_x:.0f}" y="22" font-size="14" fill="{GREY}" text-anchor="end">'
             f'{escape(heading_east)}</text>',
             f'<text class="cg-d-muted" x="{west_x:.0f}" y="22" font-size="14" fill="{GREY}">{escape(heading_west)}</text>']
    # one arrow per pairing: cases sharing a pairing (and its level) would draw the same path again; it links
    # to the first of them
    pairings: dict[tuple, str] = {}
    for slug, case in cases:
        pairings.setdefault((case.east, case.west, case.level), slug)
    east_row, west_row = {r: i for i, r in enumerate(easts)}, {r: i for i, r in enumerate(wests)}
    for (east, west, level), slug in pairings.items():
        y1, y2 = y(east_row[east], len(easts)), y(west_row[west], len(wests))
        dash = "" if level == "province" else ' stroke-dasharray="5 4"'
        curve = f"M {start:.0f} {y1:.1f} C {bend:.0f} {y1:.1f}, {bend:.0f} {y2:.1f}, {end:.0f} {y2:.1f}"
        arrow = (f'<path class="cg-d-accent" d="{curve}" fill="none" stroke="{ACCENT}" stroke-width="2"{dash} '
                 f'marker-end="url(#arrow)"/>')
        if links:
            title = escape(getattr(lib.cases[slug].title, lang))
            # a wide invisible stroke along the arrow: a target a finger can hit
            arrow = (f'<a href="{escape(links[slug])}" class="cg-d-link"><title>{title}</title>{arrow}'
                     f'<path d="{curve}" fill="none" stroke="transparent" stroke-width="14"/></a>')
        parts.append(arrow)
    by_west: dict[str, list[str]] = {}
    for slug, case in cases:
        by_west.setdefault(case.west, []).append(slug)
    for i, region_id in enumerate(easts):
        parts.append(f'<text class="cg-d-ink" x="{east_x:.0f}" y="{y(i, len(easts)) + 5:.1f}" font-size="16" fill="{INK}" '
                     f'text-anchor="end">{escape(name(region_id))}</text>')
    for i, region_id in enumerate(wests):
        label = (f'<text class="cg-d-ink" x="{west_x:.0f}" y="{y(i, len(wests)) + 5:.1f}" font-size="16" fill="{INK}">'
                 f'{escape(name(region_id))}</text>')
        if links and len(by_west.get(region_id, [])) == 1:
            label = f'<a href="{escape(links[by_west[region_id][0]])}" class="cg-d-link">{label}</a>'
        parts.append(label)
    parts.append(f'<text class="cg-d-muted" x="{width / 2:.0f}" y="{height - 4}" font-size="14" fill="{GREY}" '
                 f'text-anchor="middle">{escape(legend)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
