#!/usr/bin/env python3
"""Makes core/Publishing/Data/exemplifications-2010.json (the report's Appendix 2) from the 2010 exemplifications
document as shared/ holds it (seeds/exemplifications-of-minimum-standards-2010.txt) and the exemplifications' titles
(data/exemplifications.csv). Each area: its title, the Code of Practice's minimum standards for local authorities and
for services, and each exemplification's Best practice, Good practice and Non-compliant text, as Markdown (the
document's <p> paragraphs become paragraphs, its bulleted <li> items a list). The app never reads shared/: run this
again only if the document is corrected.

    python3 tests/data/exemplifications-2010-text.py ../shared > core/Publishing/Data/exemplifications-2010.json
"""
import csv, html, json, re, sys

shared = sys.argv[1] if len(sys.argv) > 1 else "../shared"
lines = open(f"{shared}/seeds/exemplifications-of-minimum-standards-2010.txt", encoding="utf-8").read().splitlines()
titles = {}
with open(f"{shared}/data/exemplifications.csv", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        titles[row["code"]] = (int(row["area_number"]), row["area"], row["title"])


def markdown(cell):
    cell = cell.strip()
    if "<p>" not in cell and "<li>" not in cell:
        return html.unescape(re.sub(r"\s+", " ", cell))
    blocks = []
    for block in re.findall(r"<p>(.*?)</p>|<ul[^>]*>(.*?)</ul>", cell, flags=re.S):
        para, items = block
        if para:
            blocks.append(html.unescape(re.sub(r"\s+", " ", para).strip()))
        else:
            lis = [re.sub(r"^[•\s]+", "", html.unescape(i)).strip() for i in re.findall(r"<li>(.*?)</li>", items, flags=re.S)]
            blocks.append("\n".join(f"- {i}" for i in lis))
    return "\n\n".join(blocks)


areas = []
i = 0
standards = None
while i < len(lines):
    line = lines[i]
    if re.match(r"^#+ Minimum standards specified", line):
        standards = {"localAuthorities": [], "services": []}
        target = None
        i += 1
        while i < len(lines) and not re.match(r"^#+ Exemplification of the standards", lines[i]):
            text = lines[i]
            if "Local Authorities are expected to" in text:
                target = "localAuthorities"
            elif "Parent Partnership Service is expected to" in text:
                target = "services"
            elif text.startswith("- ") and target:
                standards[target].append(text[2:].strip())
            i += 1
        areas.append({"standards": standards, "exemplifications": []})
        continue
    m = re.match(r"^([a-h])\t(.*)$", line)
    if m and areas:
        cells = m.group(2).split("\t")
        if len(cells) != 3:
            raise SystemExit(f"line {i + 1}: {len(cells)} cells")
        areas[-1]["exemplifications"].append({"letter": m.group(1), "cells": cells})
    i += 1

if len(areas) != 6:
    raise SystemExit(f"{len(areas)} areas")
out = {"title": "Parent Partnership Services – increasing parental confidence: exemplification of the minimum standards for PPS and Local Authorities",
       "published": "Revised 2010, National Parent Partnership Network",
       "areas": []}
for n, area in enumerate(areas, start=1):
    codes = [f"{n}{e['letter']}" for e in area["exemplifications"]]
    out["areas"].append({
        "number": n,
        "title": titles[codes[0]][1],
        "localAuthorityStandards": area["standards"]["localAuthorities"],
        "serviceStandards": area["standards"]["services"],
        "exemplifications": [{
            "code": code,
            "title": titles[code][2],
            "best": markdown(e["cells"][0]),
            "good": markdown(e["cells"][1]),
            "nonCompliant": markdown(e["cells"][2]),
        } for code, e in zip(codes, area["exemplifications"])],
    })
count = sum(len(a["exemplifications"]) for a in out["areas"])
if count != 34:
    raise SystemExit(f"{count} exemplifications")
json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
print()
