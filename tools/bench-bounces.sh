#!/usr/bin/env bash
# Throughput and peak memory of `mailtriage bounces` over a folder of bounces.
#
# usage: tools/bench-bounces.sh CORPUS_DIR [COPIES]
#
# Copies every message of CORPUS_DIR COPIES times (default 20) into a temporary maildir-like tree
# (cur/NNN/...), then runs the release CLI over it with --jobs 1 and with all cores, each run
# under /usr/bin/time -v. Prints emails/s, MB/s and peak resident memory per run. The page cache
# is warmed by one untimed run first, so the figures are CPU-bound, not disk-bound.
# Needs /usr/bin/time (Debian package `time`) and a release build (built here when missing).
set -euo pipefail

corpus=${1:?usage: tools/bench-bounces.sh CORPUS_DIR [COPIES]}
copies=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/mailtriage"
[ -x /usr/bin/time ] || { echo "bench-bounces: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
[ -x "$bin" ] || (cd "$root" && cargo build --release -p mailtriage-cli)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq -w 1 "$copies"); do
    mkdir -p "$work/cur/$i"
    find "$corpus" -maxdepth 1 -type f -name '*.eml' -exec cp -t "$work/cur/$i" {} +
done
files=$(find "$work/cur" -type f | wc -l)
bytes=$(find "$work/cur" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "corpus: $files files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') MB ($copies copies of $corpus)"

"$bin" bounces --jobs 1 "$work/cur" > /dev/null   # warm the page cache

# Each configuration runs $REPEAT times (default 5); the fastest wall time is reported, with the
# CPU time (user+sys) of that run: on a shared machine the CPU figure is the steadier one.
repeat=${REPEAT:-5}
run() {
    local label=$1; shift
    local best="" line
    for _ in $(seq "$repeat"); do
        local log="$work/time.log"
        /usr/bin/time -v "$bin" bounces "$@" "$work/cur" > "$work/out.jsonl" 2> "$log"
        line=$(awk -F': ' '
            /Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; wall=s}
            /User time/ {u=$2} /System time/ {y=$2} /Maximum resident set size/ {r=$2}
            END {print wall, u+y, r}' "$log")
        if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN {split(a,x," "); split(b,y," "); exit !(x[1] < y[1])}'; then
            best=$line
        fi
    done
    local records
    records=$(wc -l < "$work/out.jsonl")
    awk -v l="$label" -v f="$files" -v by="$bytes" -v best="$best" -v n="$records" 'BEGIN {
        split(best, v, " "); s = v[1]; c = v[2]; r = v[3];
        if (s <= 0) s = 0.01; if (c <= 0) c = 0.01;
        printf "%-9s wall %5.2f s %8.0f emails/s %6.1f MB/s | cpu %5.2f s %8.0f emails/cpu-s | peak RSS %5.1f MB | %d records\n",
            l, s, f/s, by/1e6/s, c, f/c, r/1024, n }'
}
run "jobs=1" --jobs 1
run "jobs=all"
