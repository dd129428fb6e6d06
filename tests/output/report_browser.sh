#!/bin/sh
# report.html in a real browser: Debian's chromium, headless, offline. The
# page must render its alerts and timeline rows with its own script, log no
# console message (no script error, no Content-Security-Policy violation),
# and leave the scripts planted in the evidence as text (had one run, it
# would have changed document.title). A screenshot goes to the build folder
# (report.png) for a person to look at. Skipped without /usr/bin/chromium.
set -eu

CHROMIUM=${VG_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
    echo "skipped: $CHROMIUM is not installed (scripts/install-deps installs it)"
    exit 77
fi
VIGIE=${VG_VIGIE:?VG_VIGIE: the vigie program}
BUILD=${VG_BUILDDIR:?VG_BUILDDIR: the build folder}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
res="$tmp/results"
mkdir "$res"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# A small vigie results folder; the SMS, an alert and a device name carry
# markup that must stay text.
cat >"$res/info.json" <<'JSON'
{
    "vigie_version": "0.1.0",
    "date": "2021-07-02 11:00:00.000000",
    "kind": "ios-backup",
    "target": "/cases/demo",
    "indicator_files": [{"path": "demo-indicators.stix2", "sha256": "65e1ba949e726f10ee9d520735f07490d7f610204d5da58742a91bb72e47a239", "indicators": 7}],
    "device": {"product_type": "iPhone12,1", "product_version": "14.6", "build_version": "18F72", "device_name": "<img src=x onerror=\"document.title='pwned'\">"},
    "modules": {
        "sms": {"class": "SMS", "records": 3, "alerts": {"CRITICAL": 1}, "coverage": [{"artifact": "HomeDomain/Library/SMS/sms.db", "status": "found", "detail": ""}], "status": "ok"},
        "calls": {"class": "Calls", "records": 0, "alerts": {}, "coverage": [{"artifact": "HomeDomain/Library/CallHistoryDB/CallHistory.storedata", "status": "missing", "detail": "not in this acquisition"}], "status": "ok"}
    },
    "diagnostics": [{"level": "warning", "where": "backup_info", "message": "This phone is running an outdated iOS version: 14.6"}]
}
JSON
cat >"$res/alerts.json" <<'JSON'
[
    {"level": "CRITICAL", "module": "sms", "message": "Found a known suspicious domain https://exploit-delivery.example/r/8Jd2kQ <script>document.title='pwned'</script>", "event_time": "2021-06-14 09:12:03.000000", "event": {"text": "</script><script>document.title='pwned'</script>"}, "matched_indicator": {"value": "exploit-delivery.example", "type": "domains", "name": "DemoSpyware", "stix2_file_name": "demo-indicators.stix2"}},
    {"level": "MEDIUM", "module": "safari_history", "message": "Redirect took less than a second! (315.0 milliseconds)", "event_time": "2021-06-14 09:13:50.000000", "event": {}, "matched_indicator": null}
]
JSON
{
    printf '"UTC Timestamp","Plugin","Event","Description"\r\n'
    printf '"2021-06-14 09:10:00.000000","IDStatusCache","lookup","Lookup of mailto:someone@example.com"\r\n'
    printf '"2021-06-14 09:12:03.000000","SMS","sms_received","<script>document.title=\047pwned\047</script></textarea> Your parcel: https://exploit-delivery.example/r/8Jd2kQ"\r\n'
    printf '"2021-06-14 09:13:50.000000","SafariHistory","safari_history","Safari visit to https://tracking-redirect.example/aX7f/l"\r\n'
    i=0
    while [ $i -lt 40 ]; do
        printf '"2021-06-14 09:%02d:%02d.000000","Datausage","first_usage","process-%d"\r\n' $((20 + i / 60)) $((i % 60)) $i
        i=$((i + 1))
    done
} >"$res/timeline.csv"

"$VIGIE" --quiet report "$res" || fail "vigie report failed"
[ -s "$res/report.html" ] || fail "no report.html"

browse() {
    profile="$tmp/profile-$1"
    shift
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 "$@" "file://$res/report.html"
}

browse dom --dump-dom >"$tmp/dom.html" 2>"$tmp/dom.err" || fail "chromium --dump-dom failed"
browse shot --window-size=1280,2200 --screenshot="$BUILD/report.png" \
    >/dev/null 2>"$tmp/shot.err" || fail "chromium --screenshot failed"

for log in "$tmp/dom.err" "$tmp/shot.err"; do
    if grep -E ':CONSOLE|Refused to|Uncaught' "$log" >&2; then
        fail "the page logged to the console (above)"
    fi
done
dom="$tmp/dom.html"
grep -q 'data-vg-ready="1"' "$dom" || fail "the report's script did not finish"
grep -q '<title>vigie report: DETECTIONS</title>' "$dom" || fail "the title changed: a planted script ran"
if grep -q 'pwned</title>' "$dom"; then fail "a planted script ran"; fi
[ "$(grep -o 'class="tl-row' "$dom" | wc -l)" -ge 10 ] || fail "timeline rows not rendered"
grep -q 'class="tl-row al' "$dom" || fail "alert rows not rendered in the timeline"
grep -q '&lt;script&gt;document.title=.pwned.&lt;/script&gt;&lt;/textarea&gt; Your parcel' "$dom" ||
    fail "the planted SMS is not shown as text"
grep -q '<option value="all">All events</option>' "$dom" || fail "timeline filters not rendered"
grep -q 'lv-CRITICAL' "$dom" || fail "alerts not shown"
[ -s "$BUILD/report.png" ] || fail "no screenshot"
echo "ok: report rendered by chromium, no console message; screenshot in $BUILD/report.png"
