"""How wide a line of text is drawn, without the font at hand.

The drawings (the network, the timelines) place their labels when the site is
built, not in the browser, so they need the width of a label before any font
is loaded. The widths here are advance widths in thousandths of an em, for
each character the labels of a historical reference work commonly use (Basic
Latin, Latin-1, Latin Extended-A, Cyrillic, general punctuation), regular
and bold: the larger of DejaVu Sans (the widest of the common system sans
serifs, the fallback of most Linux systems) and Liberation Sans (metric
twin of Arial), so that a label measured here is at least as wide as the
browser draws it in any of them. Labels are also drawn with ``textLength``
set to the width measured here, so the browser's box matches the planned one.
A character outside these ranges counts as one em (as wide as a CJK
ideograph). Measured with a canvas ``measureText`` at 1000 px.
"""

from __future__ import annotations

__all__ = ["text_width", "fit", "wrap"]

# (first code point, (regular widths, bold widths)), one width per code point
_TABLES: list[tuple[int, tuple[str, str]]] = [
    (0x0020, (
        """
        318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636
        636 636 636 636 337 337 838 838 838 556 1015 684 686 722 770 667 611 778 752 295 500 667
        557 863 748 787 667 787 722 667 611 732 684 989 685 667 685 390 337 390 838 556 500 613
        635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818
        592 592 525 636 337 636 838
        """,
        """
        348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696
        696 696 696 696 400 400 838 838 838 611 1000 774 762 734 830 683 683 821 837 372 556 775
        637 995 837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 556 500 675
        716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924
        645 652 582 712 365 712 838
        """,
    )),
    (0x00a0, (
        """
        318 401 636 636 636 636 337 556 500 1000 471 612 838 0 1000 552 500 838 401 401 500 636
        636 318 500 401 471 612 969 969 969 611 684 684 684 684 684 684 1000 722 667 667 667 667
        295 295 295 295 775 748 787 787 787 787 787 838 787 732 732 732 732 667 667 630 613 613
        613 613 613 613 982 550 615 615 615 615 278 278 278 278 612 634 612 612 612 612 612 838
        612 634 634 634 634 592 635 592 684 613 684 613 684 613 722 550 722 550 722 550 722 550
        770 635 775 635 667 615 667 615 667 615 667 615 667 615 778 635 778 635 778 635 778 635
        752 634 916 695 295 278 295 278 295 278 295 278 295 278 735 556 500 278 667 579 579 557
        278 557 278 557 375 557 342 562 284 748 634 748 634 748 634 813 748 634 787 612 787 612
        787 612 1070 1023 722 411 722 411 722 411 667 521 667 521 667 521 667 521 611 392 611
        392 611 392 732 634 732 634 732 634 732 634 732 634 732 634 989 818 667 592 667 685 525
        685 525 685 525 352
        """,
        """
        348 456 696 696 636 696 365 556 500 1000 564 646 838 0 1000 552 500 838 438 438 500 736
        636 380 500 438 564 646 1035 1035 1035 611 774 774 774 774 774 774 1085 734 683 683 683
        683 372 372 372 372 838 837 850 850 850 850 850 838 850 812 812 812 812 724 738 719 675
        675 675 675 675 675 1048 593 678 678 678 678 343 343 343 343 687 712 687 687 687 687 687
        838 687 712 712 712 712 652 716 652 774 675 774 675 774 675 734 593 734 593 734 593 734
        593 830 719 838 716 683 678 683 678 683 678 683 678 683 678 821 716 821 716 821 716 821
        716 837 712 974 790 372 343 372 343 372 343 372 343 372 343 785 686 556 343 775 665 665
        637 343 637 343 637 479 637 557 642 371 837 712 837 712 837 712 983 837 712 850 687 850
        687 850 687 1167 1094 770 493 770 493 770 493 720 595 720 595 720 595 720 595 682 478
        682 479 682 478 812 712 812 712 812 712 812 712 812 712 812 712 1103 924 724 652 724 725
        582 725 582 725 582 435
        """,
    )),
    (0x0400, (
        """
        667 667 865 610 719 667 295 295 500 1094 1045 854 710 748 635 752 684 686 686 610 781
        667 1077 641 748 748 710 752 863 752 787 752 667 722 611 635 861 685 776 686 1069 1094
        833 885 686 719 1080 722 613 617 589 525 691 615 901 532 650 650 604 639 754 654 612 654
        635 550 583 592 855 592 681 591 915 942 707 790 589 549 842 602 615 615 625 525 549 521
        278 278 278 906 898 652 604 650 592 654
        """,
        """
        683 683 885 637 734 720 372 372 556 1154 1130 878 817 837 771 837 774 762 762 637 891
        683 1224 710 837 837 817 831 995 837 850 837 733 734 682 771 992 771 928 808 1235 1326
        939 1036 762 734 1174 770 675 698 633 522 808 678 995 581 701 701 679 732 817 691 687
        691 716 593 580 652 992 645 741 687 1062 1105 751 904 632 593 972 642 678 678 714 522
        593 595 343 343 343 991 956 734 679 701 652 691
        """,
    )),
    (0x2010, (
        """
        361 361 636 556 1000 1000 500 552 318 318 318 318 518 518 518 518 556 556 590 590 334
        667 1000 318
        """,
        """
        415 415 696 556 1000 1000 500 552 380 380 380 380 657 657 657 657 556 556 639 639 334
        667 1000 348
        """,
    )),
]

_REGULAR: dict[str, int] = {}
_BOLD: dict[str, int] = {}
for _first, (_reg, _bold) in _TABLES:
    for _i, (_r, _b) in enumerate(zip(_reg.split(), _bold.split())):
        _REGULAR[chr(_first + _i)] = int(_r)
        _BOLD[chr(_first + _i)] = int(_b)
del _first, _reg, _bold, _i, _r, _b

_UNKNOWN = 1000


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in px of ``text`` set at ``size`` px (an upper bound over
    the fonts above; 0 for an empty text)."""
    table = _BOLD if bold else _REGULAR
    return sum(table.get(ch, _UNKNOWN) for ch in text) * size / 1000


def fit(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` (spaces collapsed) cut with an ellipsis to fit ``width`` px."""
    text = " ".join(text.split())
    if text_width(text, size, bold) <= width:
        return text
    ell = text_width("…", size, bold)
    out = ""
    for ch in text:
        if text_width(out + ch, size, bold) + ell > width:
            break
        out += ch
    return out.rstrip(" ,;:–—-") + "…"


def wrap(text: str, width: float, size: float, lines: int = 2, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines of at most
    ``width`` px each; a word wider than a line is broken inside; the last
    line is cut with an ellipsis when the rest does not fit."""
    words = " ".join(text.split()).split(" ") if text.split() else []
    out: list[str] = []
    while words and len(out) < lines:
        line = ""
        while words:
            candidate = f"{line} {words[0]}" if line else words[0]
            if text_width(candidate, size, bold) <= width:
                line = candidate
                words.pop(0)
                continue
            if not line:  # one word wider than the line: break it
                word = words.pop(0)
                cut = max(1, max((i for i in range(1, len(word) + 1) if text_width(word[:i], size, bold) <= width), default=1))
                line = word[:cut]
                if word[cut:]:
                    words.insert(0, word[cut:])
            break
        out.append(line)
    if words:
        out[-1] = fit(f"{out[-1]} {' '.join(words)}", width, size, bold)
    return out
