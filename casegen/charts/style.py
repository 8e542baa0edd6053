"""The look of every chart: one accent colour plus greys, one CJK-aware font list, sizes."""

from __future__ import annotations

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
ACCENT = "#1d5f99"        # the one accent: what the chart is about
ACCENT_LIGHT = "#a9c6e2"  # a tint of it: projections, the second tier of a scale
INK = "#1f1f1f"           # titles, labels
MUTED = "#5c5c5c"         # unit line, notes, periods (7:1 on white)
GREY = "#9a9a9a"          # secondary marks
GREY_LIGHT = "#d4d4d4"    # background marks
RULE = "#8c8c8c"          # baselines

WIDTH = 600               # the drawing width inside the padding; with padding the SVG is ~640 px
# The phone variant: 320 + 2 × 18 = 356 px, the width of a page's content on a 390 px phone, so its text shows at
# its own size (12 px and up) instead of shrinking to 7 px as the wide chart does there.
NARROW_WIDTH = 320
PADDING = 18
SIZE = {"title": 20, "subtitle": 14, "label": 14, "value": 14, "meta": 12, "note": 12}

THEME = {
    "font": FONT,
    "background": "white",
    "padding": PADDING,
    "aria": False,  # no English auto-descriptions of marks; svg() labels the whole image instead
    "view": {"stroke": None},
    "title": {"anchor": "start", "font": FONT, "fontSize": SIZE["title"], "fontWeight": "bold", "color": INK,
              "lineHeight": 27, "subtitleFont": FONT, "subtitleFontSize": SIZE["subtitle"],
              "subtitleColor": MUTED, "subtitleLineHeight": 20, "subtitlePadding": 6, "offset": 18},
    "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13, "labelColor": MUTED,
             "titleColor": MUTED, "domainColor": RULE, "tickColor": RULE, "grid": False},
    "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "labelColor": INK, "symbolType": "square",
               "symbolSize": 160, "orient": "top", "title": None, "labelLimit": 400},
    "text": {"font": FONT, "fontSize": SIZE["label"], "color": INK},
    "concat": {"spacing": 14},
}
