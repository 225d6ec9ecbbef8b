#!/usr/bin/env python3
"""Scores `mailtriage bounces` against a labelled bounce corpus.

usage: tools/score-bounces.py CORPUS_DIR [--bin PATH] [--list] [--audit] [--jsonl OUT]

CORPUS_DIR holds the messages and an `expected.tsv` (columns: file, reason, status, replycode,
...; one row per message, describing its first recipient). The release CLI (target/release/
mailtriage, built with `cargo build --release -p mailtriage-cli` when missing) classifies the
whole folder; the first record printed for each file is compared with that file's row.

Prints the agreement on reason, status and reply code, the confusion list (expected -> got,
most frequent first) and, with --list, every disagreeing file. With --audit, it also lists the
phrases of crates/core/src/bounce/reason.rs that occur in the diagnostics of one corpus family
only (family = file name before its number), among records given that phrase's reason: the
rules a leave-one-family-out check would have to justify. The last line is
`reason R% status S% (N files)`. Exit status 0 whatever the figures; 2 on usage errors.
"""
import csv
import json
import os
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def usage(msg=None):
    if msg:
        print(f'score-bounces: {msg}', file=sys.stderr)
    print(__doc__, file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    opts = {'bin': os.path.join(ROOT, 'target', 'release', 'mailtriage'), 'list': False,
            'jsonl': None, 'corpus': None, 'audit': False}
    it = iter(argv)
    for a in it:
        if a == '--bin':
            opts['bin'] = next(it, None) or usage('--bin needs a path')
        elif a == '--jsonl':
            opts['jsonl'] = next(it, None) or usage('--jsonl needs a path')
        elif a == '--list':
            opts['list'] = True
        elif a == '--audit':
            opts['audit'] = True
        elif a in ('-h', '--help'):
            usage()
        elif a.startswith('-'):
            usage(f'unknown option {a}')
        elif opts['corpus'] is None:
            opts['corpus'] = a
        else:
            usage('one corpus folder only')
    if opts['corpus'] is None:
        usage('give the corpus folder')
    return opts


def run_cli(binary, corpus):
    if not os.path.exists(binary):
        subprocess.run(['cargo', 'build', '--release', '-p', 'mailtriage-cli'], cwd=ROOT,
                       check=True)
    out = subprocess.run([binary, 'bounces', '--format', 'jsonl', corpus],
                         stdout=subprocess.PIPE, check=True)
    return out.stdout.decode('utf-8', 'replace').splitlines()


def first_records(lines):
    """File base name -> first record; plus the count of lines that are not JSON."""
    first, broken = {}, 0
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            broken += 1
            continue
        first.setdefault(os.path.basename(str(rec.get('file') or '')), rec)
    return first, broken


def main():
    opts = parse_args(sys.argv[1:])
    tsv = os.path.join(opts['corpus'], 'expected.tsv')
    if not os.path.isfile(tsv):
        usage(f'no expected.tsv in {opts["corpus"]}')
    with open(tsv, encoding='utf-8') as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    lines = run_cli(opts['bin'], opts['corpus'])
    if opts['jsonl']:
        with open(opts['jsonl'], 'w', encoding='utf-8') as f:
            f.write('\n'.join(lines) + '\n')
    first, broken = first_records(lines)

    total = len(rows)
    ok = Counter()
    confusions = Counter()
    wrong = []
    for row in rows:
        rec = first.get(row['file'])
        if rec is None:
            confusions[(row['reason'], '(no record)')] += 1
            wrong.append((row['file'], row['reason'], '(no record)', row['status'], ''))
            ok['missing'] += 1
            continue
        reason = str(rec.get('reason') or '').lower()
        status = str(rec.get('status') or '')
        if reason == row['reason']:
            ok['reason'] += 1
        else:
            confusions[(row['reason'], reason)] += 1
        if status == row['status']:
            ok['status'] += 1
        if str(rec.get('reply_code') or '') == row.get('replycode', ''):
            ok['reply'] += 1
        if row.get('hardbounce', '') in ('0', '1') and bool(rec.get('hard')) == (row['hardbounce'] == '1'):
            ok['hard'] += 1
        if reason != row['reason'] or status != row['status']:
            wrong.append((row['file'], row['reason'], reason, row['status'], status))

    def pct(k):
        return 100.0 * ok[k] / total if total else 0.0

    print(f'files: {total}, without a record: {ok["missing"]}, non-JSON lines: {broken}')
    print(f'reply code: {ok["reply"]}/{total} = {pct("reply"):.2f}%')
    print(f'hard bounce: {ok["hard"]}/{total} = {pct("hard"):.2f}%')
    print('confusions (expected -> got):')
    for (e, g), c in confusions.most_common():
        print(f'  {c:3d}  {e} -> {g}')
    if opts['list']:
        print('disagreements (file: reason expected/got, status expected/got):')
        for f, er, gr, es, gs in sorted(wrong):
            print(f'  {f}: {er}/{gr}  {es or "-"}/{gs or "-"}')
    if opts['audit']:
        audit(first)
    print(f'reason {pct("reason"):.2f}% status {pct("status"):.2f}% ({total} files)')


def family(name):
    """`lhost-postfix-17.eml` -> `lhost-postfix`."""
    base = name.rsplit('.', 1)[0]
    return base.rstrip('0123456789').rstrip('-_') or base


def phrase_table():
    """(reason, phrase) pairs of the FAMILIES table in bounce/reason.rs."""
    import re
    src = open(os.path.join(ROOT, 'crates', 'core', 'src', 'bounce', 'reason.rs'),
               encoding='utf-8').read()
    body = src[src.index('static FAMILIES'):src.index('pub const FIRST_PASS')]
    pairs = []
    for block in re.finditer(r'\(\s*"([a-z]+)",\s*&\[(.*?)\],\s*\)', body, re.S):
        for ph in re.findall(r'"((?:[^"\\]|\\.)*)"', block.group(2)):
            pairs.append((block.group(1), ph.replace('\\"', '"')))
    return pairs


def matches(text, phrase):
    if '*' not in phrase:
        return phrase in text
    at = 0
    for part in phrase.split('*'):
        i = text.find(part, at)
        if i < 0:
            return False
        at = i + len(part)
    return True


def audit(first):
    hits = {}
    for name, rec in first.items():
        diag = ' '.join(str(rec.get('diagnostic') or '').lower().split())
        for reason, ph in phrase_table():
            if rec.get('reason') == reason and matches(diag, ph):
                hits.setdefault((reason, ph), set()).add((family(name), name))
    print('phrases deciding records of one family only (reason: phrase <- files):')
    for (reason, ph), files in sorted(hits.items()):
        fams = {f for f, _ in files}
        if len(fams) == 1:
            names = ', '.join(sorted(n for _, n in files))
            print(f'  {reason}: "{ph}" <- {names}')


if __name__ == '__main__':
    main()
