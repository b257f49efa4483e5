"""Derive lindung/regions/data/regions.csv.gz from ../shared/data/regions (ODbL).

The four source files (provinces, regencies, districts, villages) become one sorted
`code,name` table: level and parent follow from the dotted code, so they are not stored.
Run: uv run python tools/build_regions_fixture.py [SOURCE_DIR]
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "regions"
TARGET = ROOT / "lindung" / "regions" / "data" / "regions.csv.gz"
FILES = ["provinces.csv", "regencies.csv", "districts.csv", "villages.csv"]


def main(source: Path) -> None:
    rows: list[tuple[str, str]] = []
    for name in FILES:
        with (source / name).open(newline="", encoding="utf-8") as fh:
            rows.extend((r["code"], r["name"].strip()) for r in csv.DictReader(fh))
    rows.sort()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(rows)
    # mtime=0 keeps the file byte-identical for identical input.
    with TARGET.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    print(f"{len(rows)} wilayah -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
