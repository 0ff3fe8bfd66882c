#!/usr/bin/env python3
"""Makes tests/data/report-2013-narrative.json: NPPN's own commentary from the printed 2013 report, as Markdown for each
place in the report (ReportNarrative.Places), in the body PUT /api/years/2013/narrative takes. The demo saves it so the
demo's report reads like the printed one; it is NPPN's text, not generated. Footnote marks, chart captions and page
furniture are left out; links become Markdown links.

    python3 tests/data/report-2013-narrative.py ../shared > tests/data/report-2013-narrative.json
"""
import json, re, sys

shared = sys.argv[1] if len(sys.argv) > 1 else "../shared"
lines = open(f"{shared}/seeds/national-report-2013.txt", encoding="utf-8").read().splitlines()

PLACES = {
    "introduction": [(20, 28), (162, 191)],
    "participation": [(243, 255)],
    "exemplifications": [(308, 310), (316, 330)],
    "area-1": [(361, 373)],
    "area-2": [(419, 431)],
    "area-3": [(472, 485)],
    "area-4": [(521, 526)],
    "area-5": [(551, 565)],
    "area-6": [(591, 597)],
    "cautionary": [(314, 314), (883, 883)],
    "type": [(935, 952)],
    "budget": [(983, 1037)],
    "staffing": [(1119, 1150)],
    "access": [(1284, 1304)],
    "casework": [(1360, 1427)],
    "strategic": [(1500, 1522)],
    "future": [(1559, 1563)],
}

SKIP = re.compile(r"^\s*(\*\*)?(Chart|Table) [0-9A-L]|^<sup>|^\\_|^http|^\d+$|^#+ .*Cautionary note\*?\*?\s*$")


def clean(line):
    line = re.sub(r"\s*<sup>\s*(st|nd|rd|th)\s*</sup>\s*", r"\1 ", line)
    line = re.sub(r"<sup>[^<]*</sup>", "", line)
    line = re.sub(r'<a href="(?:https?://)?([^"]+)">([^<]+)</a>', lambda m: f"[{m.group(2)}]({'' if m.group(1).startswith('mailto:') else 'https://'}{m.group(1)})", line)
    line = re.sub(r"</?u>", "", line)
    line = re.sub(r"^#+\s*\*\*(.+?):?\*\*\s*$", r"### \1", line)
    line = re.sub(r"^#+\s*(The last 10 years|The proportion of families.*)$", r"### \1", line)
    line = re.sub(r"^\s*[•]\s+", "- ", line)
    line = re.sub(r"^- (?=[a-z])", "", line) if re.match(r"^- (meals|time|many|most)\b", line) else line
    line = re.sub(r"\s+$", "", line)
    return line


out = {}
for place, ranges in PLACES.items():
    text = []
    for start, end in ranges:
        for raw in lines[start - 1:end]:
            if SKIP.search(raw):
                continue
            text.append(clean(raw))
        text.append("")
    markdown = re.sub(r"\n{3,}", "\n\n", "\n".join(text)).strip()
    if "<" in re.sub(r"<\s", "", markdown):
        raise SystemExit(f"{place}: HTML left: {re.findall(r'<[^ ][^>]*>', markdown)[:3]}")
    out[place] = markdown
json.dump({"sections": out}, sys.stdout, ensure_ascii=False, indent=1)
print()
