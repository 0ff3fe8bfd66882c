#!/usr/bin/env python3
"""Rebuilds report-2013-part1-figures.csv: every figure the 2013 report's text states about Part 1,
with the value the engine must produce from Table C under the project's one rule, computed here
independently of the C# engine.

The rule: every percentage is of the returns the figure rests on (131: the returns of Table C, each
of which includes a self-assessment), rounded to the nearest whole number, halves away from zero.
"Best or Good" is the count of B + G, then rounded. A method of `unknown` (cut off in the report) or
blank is "not stated". There is no 132nd return and no sum of rounded labels.

The statements themselves (id, reference, quote, measure, stated value) come from a colleague's
extraction of the report (its computed_value/agrees/explanation columns, on a denominator of 132, are
dropped and recomputed). The output keeps id, reference, quote, measure and stated value, so it can be
given back as the input:

    python3 report-2013-part1-figures.py report-2013-part1-figures.csv > new.csv
"""
import csv
import sys
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path

HERE = Path(__file__).parent
RATINGS = list(csv.DictReader(open(HERE / "nppn-2013-exemplification-ratings.csv", newline="")))
CODES = [c for c in RATINGS[0].keys() if c not in ("service_id", "method")]
AREA = {c: int(c[0]) for c in CODES}
N = len(RATINGS)  # 131


def rounded(count, of):
    return int((Decimal(100) * count / of).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def exact(count, of):
    return f"{Decimal(100) * count / of:.2f}"


def level_count(code, levels):
    return sum(1 for r in RATINGS if r[code] in levels)


def n_count(r, codes=CODES):
    return sum(1 for c in codes if r[c] == "N")


LEVEL = {"B": "best", "G": "good", "x": "not_completed", "N": "non_compliant", "BG": "best_or_good"}

# reasons for the figures the data does not support, grouped
REASONS = {
    "who-took-part-return-rate": ("carried over from 2012",
        "Table C has 131 returns = 87% of 150, Table A's own 2013 figure; 94% is Table A's 2012 rate (141/150)"),
    "method-mg-or-la-pct": ("Table C method incomplete",
        "the engine counts 20 PPO+MG + 26 PPO+LA = 46 of 131 = 35%; in Table C 7 methods are cut off after 'PPO +' "
        "(ids 3 4 19 23 89 102 103) and 10 are blank, which the engine reads as not stated; with the 7 cut-off as MG/LA "
        "it would be 53 = 40%; 42% needs 55 of 131"),
    "n-ex-area3": ("wording slip in the text",
        "area 3 (Training, advice and support) has 6 exemplifications, 3a-3f, in Table C and in the catalogue; the text says 5"),
    "headline-min-32of34": ("Chart 2 distribution not reproducible",
        "Table C: 90 services have at most 2 N (59 + 17 + 14) = 69% of 131; 65% needs 85; with 45% (0 N) and 13% (1 N) "
        "confirmed, the text's 65% and 18% cannot both hold; counting x as not meeting the minimum gives 60 = 46%"),
    "chart2-N-ge5": ("Chart 2 distribution not reproducible",
        "Table C: 20 services have 5 or more N = 15% of 131; 18% needs 23 or 24"),
    "ex-1a-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-1g-pct-N": ("wording slip in the text",
        "'with 2% or fewer services being Non-compliant' holds for 1e (1%) and 1f (2%) but not 1g: 4 N (services 37 99 107 147) = 3%"),
    "ex-2a-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-2a-count-N": ("count in the text one higher than Table C",
        "Table C has 2 N on 2a (services 30 and 107); the text says 3 (its 2% fits both)"),
    "ex-2c-pct-B": ("wording slip in the text",
        "the text says 'Best Practice' but Best alone is 86 of 131 = 66%; 92 is a Best-or-Good figure: the chart's rounded "
        "labels on 132 (65% + 27%); on 131 Best or Good is 86 + 36 = 122 = 93%"),
    "ex-2e-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-2g-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-3a-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-3a-pct-B": ("number contradicts Table C and the text itself",
        "Table C: 94 B = 72% of 131 (71% on 132); 70% of 131 needs exactly 92 B (91 gives 69%, 93 gives 71%); "
        "the text's own 96% (B or G) - 25% (G) also gives 71"),
    "ex-3c-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-3d-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-3e-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-3e-count-N": ("count in the text one higher than Table C",
        "Table C has 2 N on 3e (services 80 and 107); the text says 3"),
    "ex-3f-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-4b-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-4c-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-5d-pct-BG": ("report's percentages fit 132, not 131", None),
    "ex-6a-pct-N": ("report's percentages fit 132, not 131", None),
    "ex-6d-pct-BG": ("report's percentages fit 132, not 131", None),
    "area5-lowest-BG": ("wording slip in the text",
        "area 6 (Management of the PPS) is lower than area 5 on mean Best-or-Good share (75% vs 80%) and on its "
        "lowest exemplification (6e 66% vs 5c 69%); area 5 is second lowest"),
}


def locate(row):
    """(figure, row, column, expected value) for one measure, under the 131 rule."""
    m, fid = row["measure"], row["statement_id"]
    if m == "count_returns" and fid.startswith("tableA"):
        return "table-a", "2013", "returns", N
    if m == "count_returns":
        return "chart-1", "", "@returns", N
    if m.startswith("pct_returns_of_national"):
        return "table-a", "2013", "pct_national", rounded(N, 150)
    if m == "pct_method_in:PPO+MG|PPO+LA":
        k = sum(1 for r in RATINGS if r["method"] in ("PPO+MG", "PPO+LA"))
        return "chart-1", "", "stat:pct_with_mg_or_la", rounded(k, N)
    if m == "pct_method_in:PPO":
        return "chart-1", "PPO", "pct", rounded(sum(1 for r in RATINGS if r["method"] == "PPO"), N)
    if m == "n_exemplifications:all":
        return "chart-4", "", "@rows", len(CODES)
    if m == "n_areas":
        return "chart-3", "", "@rows", len(set(AREA.values()))
    if m.startswith("n_exemplifications:area="):
        k = int(m.split("=")[1])
        return "chart-3", str(k), "exemplifications", sum(1 for c in CODES if AREA[c] == k)
    if m == "pct_services_no_N":
        return "headlines", "comply-with-all", "pct", rounded(sum(1 for r in RATINGS if n_count(r) == 0), N)
    if m == "pct_services_all_BG":
        return "headlines", "best-or-good-on-all", "pct", rounded(sum(1 for r in RATINGS if all(r[c] in "BG" and r[c] for c in CODES)), N)
    if m == "pct_services_N_count_le:2":
        return "headlines", "minimum-on-32-of-34", "pct", rounded(sum(1 for r in RATINGS if n_count(r) <= 2), N)
    if m == "pct_services_N_count_eq:1":
        return "chart-2", "1", "pct_2013", rounded(sum(1 for r in RATINGS if n_count(r) == 1), N)
    if m == "pct_services_N_count_ge:5":
        return "chart-2", "5+", "pct_2013", rounded(sum(1 for r in RATINGS if n_count(r) >= 5), N)
    if m.startswith("pct_area_N_gt1:area="):
        k = int(m.split("=")[1])
        codes = [c for c in CODES if AREA[c] == k]
        return "chart-3", str(k), "pct_2013", rounded(sum(1 for r in RATINGS if n_count(r, codes) >= 2), N)
    if m == "max_pct_area_N_gt1:area=2|3|4":
        # the largest of the three is area 2 (6%); each of the three also has its own row
        codes = [c for c in CODES if AREA[c] == 2]
        return "chart-3", "2", "pct_2013", rounded(sum(1 for r in RATINGS if n_count(r, codes) >= 2), N)
    if m.startswith("pct_level:") or m.startswith("count_level:"):
        args = dict(p.split("=") for p in m.split(":")[1].split(","))
        code, level = args["ex"], args["level"]
        levels = ("B", "G") if level == "BG" else (level,)
        k = level_count(code, levels)
        n = sum(1 for r in RATINGS if r[code])
        if m.startswith("pct_"):
            return "chart-4", code, "pct_" + LEVEL[level], rounded(k, n)
        return "chart-4", code, "count_" + LEVEL[level], k
    if m == "count_pair:ex1=1a,level1=BG,ex2=1b,level2=N":
        return "highlight:ex-1a-1b-ips-without-supervision", "", "count", sum(1 for r in RATINGS if r["1a"] in ("B", "G") and r["1b"] == "N")
    if m == "rank_area_mean_pct_BG:area=5":
        means = {}
        for k in sorted(set(AREA.values())):
            codes = [c for c in CODES if AREA[c] == k]
            means[k] = sum(Decimal(100) * level_count(c, ("B", "G")) / N for c in codes) / len(codes)
        return "chart-4", "", "stat:lowest_area_by_mean_pct_best_or_good", min(means, key=means.get)
    raise ValueError(f"no locator for {fid}: {m}")


def fits_131_not_132(rows):
    """The exemplifications whose printed percentages agree on 131 returns and would not on 132."""
    codes = []
    for row, (figure, key, column, expected) in rows:
        if figure != "chart-4" or not column.startswith("pct_") or not row["stated"].isdigit() or not agrees(row["stated"], expected):
            continue
        levels = ("B", "G") if column == "pct_best_or_good" else tuple(l for l, name in LEVEL.items() if "pct_" + name == column)
        if rounded(level_count(key, levels), 132) != int(row["stated"]) and key not in codes:
            codes.append(key)
    return codes


def reading_chart3_areas234():
    """The text's "1 or more" is read as Chart 3's measure (at least 2); what "1 or more" itself would give."""
    ge1 = {k: rounded(sum(1 for r in RATINGS if n_count(r, [c for c in CODES if AREA[c] == k]) >= 1), N) for k in (2, 3, 4)}
    return ("the text says 'Non-compliant on 1 or more', but it sits beside Chart 3, which counts services Non-compliant on "
            "at least 2 of an area's exemplifications, and its areas' figures (2% to 6%) are Chart 3's: it is read as "
            "'at least 2'. Read as written, 1 or more, the shares are " +
            ", ".join(f"area {k} {v}%" for k, v in ge1.items()) + " of 131")


READINGS = {"chart3-areas234-lt7": reading_chart3_areas234}


def reason_132(code, column, stated, expected, fit_131):
    """Why a per-exemplification percentage differs: which 132-based reading gives the text's value."""
    b, g, n = level_count(code, ("B",)), level_count(code, ("G",)), level_count(code, ("N",))
    k = b + g if column == "pct_best_or_good" else n
    what = f"B {b} + G {g} = {k}" if column == "pct_best_or_good" else f"N {k}"
    fits = []
    if rounded(k, 132) == stated:
        fits.append(f"{k}/132 = {exact(k, 132)}%")
    if column == "pct_best_or_good" and rounded(b, 132) + rounded(g, 132) == stated:
        fits.append(f"the chart's rounded labels on 132, {rounded(b, 132)}% + {rounded(g, 132)}%")
    return (f"{what} of 131 = {exact(k, N)}% -> {expected}; the text's {stated} is " + " and ".join(fits) +
            "; this statement fits 132 returns (Table B's count) rather than the 131 of Table A, Chart 1 and Table C, "
            "but the printed statements on " + ", ".join(fit_131) + " fit 131 and not 132, so the report used no single base")


def agrees(stated, expected):
    s = stated.strip()
    for op, f in ((">=", lambda a, b: a >= b), ("<=", lambda a, b: a <= b), ("<", lambda a, b: a < b), (">", lambda a, b: a > b)):
        if s.startswith(op):
            return f(expected, int(s[len(op):]))
    return int(s) == expected


def main(statements_csv):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["statement_id", "report_ref", "quote", "measure", "unit", "figure", "row", "column",
                  "expected", "stated", "agrees", "reason_group", "reason", "reading"])
    rows = []
    for row in csv.DictReader(open(statements_csv, newline="")):
        row.setdefault("statement_id", row.get("figure_id"))
        row["stated"] = row.get("stated", row.get("stated_value"))
        rows.append((row, locate(row)))
    fit_131 = fits_131_not_132(rows)
    for row, (figure, key, column, expected) in rows:
        stated = row["stated"]
        stated = "5" if stated == "lowest" else stated  # "area 5 is lower than the other 5 areas": the lowest area is 5
        ok = agrees(stated, expected)
        group, reason = "", ""
        if not ok:
            group, reason = REASONS[row["statement_id"]]
            if reason is None:
                code = column and key
                b, g = level_count(code, ("B",)), level_count(code, ("G",))
                reason = reason_132(code, column, int(stated), expected, fit_131)
        reading = READINGS[row["statement_id"]]() if row["statement_id"] in READINGS else ""
        out.writerow([row["statement_id"], row["report_ref"], row["quote"], row["measure"], row["unit"] if row["unit"] != "rank" else "area",
                      figure, key, column, expected, stated, "yes" if ok else "no", group, reason, reading])


if __name__ == "__main__":
    main(sys.argv[1])
