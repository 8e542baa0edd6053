"""The home page's diagram of east → west pairings, drawn as a plain SVG (no JavaScript, prints well)."""

from __future__ import annotations

from html import escape

from .load import Library

WIDTH, ROW, TOP = 720, 56, 40
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
ACCENT, GREY, INK = "#3949ab", "#9e9e9e", "#212121"


def pairings_svg(lib: Library, lang: str) -> str:
    """East regions on the left, west regions on the right, one arrow per case."""
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
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
             f'height="{height}" role="img" aria-labelledby="pairings-title" font-family="{FONT}">',
             f'<title id="pairings-title">{escape(title)}</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{ACCENT}"/></marker></defs>',
             f'<text x="190" y="22" font-size="14" fill="{GREY}" text-anchor="end">{escape(heading_east)}</text>',
             f'<text x="522" y="22" font-size="14" fill="{GREY}">{escape(heading_west)}</text>']
    # one arrow per pairing: cases sharing a pairing (and its level) would draw the same path again
    pairings = list(dict.fromkeys((case.east, case.west, case.level) for _, case in cases))
    east_row, west_row = {r: i for i, r in enumerate(easts)}, {r: i for i, r in enumerate(wests)}
    for east, west, level in pairings:
        y1, y2 = y(east_row[east], len(easts)), y(west_row[west], len(wests))
        dash = "" if level == "province" else ' stroke-dasharray="5 4"'
        parts.append(f'<path d="M 200 {y1:.1f} C 360 {y1:.1f}, 360 {y2:.1f}, 512 {y2:.1f}" fill="none" '
                     f'stroke="{ACCENT}" stroke-width="2"{dash} marker-end="url(#arrow)"/>')
    for i, region_id in enumerate(easts):
        parts.append(f'<text x="190" y="{y(i, len(easts)) + 5:.1f}" font-size="16" fill="{INK}" '
                     f'text-anchor="end">{escape(name(region_id))}</text>')
    for i, region_id in enumerate(wests):
        parts.append(f'<text x="522" y="{y(i, len(wests)) + 5:.1f}" font-size="16" fill="{INK}">'
                     f'{escape(name(region_id))}</text>')
    legend = "实线：省级结对；虚线：市县结对" if lang == "zh" else "Solid: provincial pairing; dashed: city or county pairing"
    parts.append(f'<text x="{WIDTH / 2:.0f}" y="{height - 4}" font-size="12" fill="{GREY}" '
                 f'text-anchor="middle">{escape(legend)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
