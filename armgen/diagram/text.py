"""Text widths without a font file: DejaVu Sans advance widths, so labels are sized before drawing.

DejaVu Sans is the default sans-serif of Debian (and of the headless Chromium the tests run) and
wider than Arial, Liberation Sans or Helvetica, so a box sized for it holds the label in any of
them. Widths are in thousandths of an em, for ASCII 32..126; other characters count as one em.
"""

from __future__ import annotations

_NORMAL = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656,
    557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613,
    635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818,
    592, 592, 525, 636, 337, 636, 838,
)
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775,
    637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675,
    716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924,
    645, 652, 582, 712, 365, 712, 838,
)
_EXTRA = {"‹": 412, "›": 412, "…": 1000, "·": 380, "→": 838, "×": 838, "—": 1000}
FONT_FAMILY = "'DejaVu Sans', Verdana, 'Liberation Sans', Arial, Helvetica, sans-serif"


def width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of ``text`` at ``size`` px."""
    table = _BOLD if bold else _NORMAL
    total = 0
    for ch in text:
        code = ord(ch)
        total += table[code - 32] if 32 <= code < 127 else _EXTRA.get(ch, 1000)
    return total * size / 1000


def fit(text: str, room: float, size: float, bold: bool = False) -> str:
    """``text``, cut with an ellipsis to fit ``room`` px (the full text goes into a tooltip)."""
    if width(text, size, bold) <= room:
        return text
    cut = text
    while cut and width(cut + "…", size, bold) > room:
        cut = cut[:-1]
    return cut + "…"


def wrap(text: str, room: float, size: float, max_lines: int = 2, sep: str = " · ") -> list[str]:
    """``text`` (items joined by ``sep``) broken into lines that fit ``room``, the last one cut."""
    items = text.split(sep)
    lines: list[str] = []
    current = ""
    for item in items:
        candidate = f"{current}{sep}{item}" if current else item
        if width(candidate, size) <= room or not current:
            current = candidate
        else:
            lines.append(current)
            current = item
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], sep.join(lines[max_lines - 1:])]
    return [fit(line, room, size) for line in lines]


def split_name(name: str, room: float, size: float, bold: bool = True, max_lines: int = 2) -> list[str]:
    """A long name on up to ``max_lines`` lines, broken after a ``-``, ``_``, ``.`` or ``/`` where
    one fits (else anywhere); the last line is cut with an ellipsis if it still does not fit."""
    lines: list[str] = []
    rest = name
    while rest and len(lines) < max_lines - 1 and width(rest, size, bold) > room:
        cut = len(rest)
        while cut > 1 and width(rest[:cut], size, bold) > room:
            cut -= 1
        seps = [i + 1 for i in range(cut) if rest[i] in "-_./" and i + 1 >= cut // 2]
        at = seps[-1] if seps else cut
        lines.append(rest[:at])
        rest = rest[at:]
    lines.append(fit(rest, room, size, bold))
    return lines
