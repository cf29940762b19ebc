#!/usr/bin/env bash
# Renders the Summary sheet of the bundled samples' readiness.xlsx to docs/summary.png (and the
# Mailboxes sheet's first page to docs/mailboxes.png), and the Summary of their progress.xlsx
# (xtenant track on the samples' migration status) to docs/progress.png, through
# LibreOffice (headless) and pdftoppm, and checks on the way that the workbook opens cleanly:
# every XML part well-formed, LibreOffice converts it, and the PDF shows the Summary's text.
#
#   docs/summary.sh          regenerate docs/summary.png
#   docs/summary.sh --check  only check (CI); nothing in the repo changes
#
# Needs: cargo, python3, libreoffice (Debian: libreoffice-calc), pdftoppm/pdftotext
# (Debian: poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
check_only=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo run --quiet --release --locked -- plan --config samples/contoso-to-northwind/xtenant.toml \
    --out "$work/plan" --quiet
book="$work/plan/readiness.xlsx"

python3 - "$book" <<'PY'
import sys, zipfile, xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None, "corrupt zip entry"
parts = [n for n in z.namelist() if n.endswith((".xml", ".rels"))]
for name in parts:
    xml.dom.minidom.parseString(z.read(name))
print(f"readiness.xlsx: {len(parts)} XML parts, all well-formed")
PY

# A private profile: no first-start dialogs, no clash with a LibreOffice already running.
soffice=$(command -v libreoffice || command -v soffice)
"$soffice" -env:UserInstallation="file://$work/profile" --headless --norestore \
    --convert-to pdf --outdir "$work" "$book" > "$work/convert.log" 2>&1 || {
    cat "$work/convert.log"; echo "LibreOffice could not convert readiness.xlsx" >&2; exit 1; }
test -s "$work/readiness.pdf" || { cat "$work/convert.log"; echo "no PDF written" >&2; exit 1; }

pdftotext -f 1 -l 1 -layout "$work/readiness.pdf" "$work/page1.txt"
for want in "Cross-tenant migration readiness" "Mailboxes by status" "Counts reconciled" \
    "Top blocking codes" "Waves" "Org-level findings"; do
    grep -q "$want" "$work/page1.txt" || { echo "page 1 lacks \"$want\"" >&2; exit 1; }
done
if grep -q "MISMATCH" "$work/page1.txt"; then
    echo "the Summary reports a count that does not reconcile" >&2; exit 1
fi
echo "LibreOffice opened readiness.xlsx; page 1 is the Summary"

# The samples' migration status, tracked: the day before, then the day with --previous.
sample=samples/contoso-to-northwind
cargo run --quiet --release --locked -- track --config "$sample/xtenant.toml" --plan "$work/plan" \
    --migration-users "$sample/migration-users-previous.csv" --out "$work/track-before" --quiet
cargo run --quiet --release --locked -- track --config "$sample/xtenant.toml" --plan "$work/plan" \
    --previous "$work/track-before" --out "$work/track" --quiet
"$soffice" -env:UserInstallation="file://$work/profile" --headless --norestore \
    --convert-to pdf --outdir "$work" "$work/track/progress.xlsx" > "$work/convert.log" 2>&1 || {
    cat "$work/convert.log"; echo "LibreOffice could not convert progress.xlsx" >&2; exit 1; }
pdftotext -f 1 -l 1 -layout "$work/progress.pdf" "$work/progress1.txt"
for want in "Cross-tenant migration progress" "Where the users are" "Throughput and schedule" \
    "Failed users by cause" "Next steps" "Users per wave"; do
    grep -q "$want" "$work/progress1.txt" || { echo "progress page 1 lacks \"$want\"" >&2; exit 1; }
done
echo "LibreOffice opened progress.xlsx; page 1 is the Summary"

if [ "$check_only" != "--check" ]; then
    pdftoppm -f 1 -l 1 -r 110 -png -singlefile "$work/progress.pdf" docs/progress
    echo "wrote docs/progress.png"
    pdftoppm -f 1 -l 1 -r 110 -png -singlefile "$work/readiness.pdf" docs/summary
    echo "wrote docs/summary.png"
    # The Mailboxes sheet's first printed page: one page wide, its key columns first.
    pdftoppm -f 2 -l 2 -r 110 -png -singlefile "$work/readiness.pdf" docs/mailboxes
    echo "wrote docs/mailboxes.png"
fi
