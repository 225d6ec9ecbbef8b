#!/usr/bin/env python3
"""Turn the reference tables in ../shared/data into the compact copies under kb/data.

usage: tools/import-data.py [SHARED_DATA_DIR]   (default: ../shared/data)

Only the columns the core reads are kept. The project builds from kb/data alone; rerun this
when the reference tables change, and review the diff like code.
"""
import csv, os, sys

KEEP = {
    'postfix-params.tsv': ['name', 'since', 'removed_after', 'default_latest', 'default_history'],
    'postfix-deprecated.tsv': ['name_or_restriction', 'kind', 'replacement', 'warned_since', 'removed_in', 'note'],
    'postfix-compat-defaults.tsv': ['parameter', 'below_level', 'default_below', 'default_at_or_above', 'note'],
    'dovecot-settings.tsv': ['name', 'in_2_3', 'in_2_4', 'renamed_to_2_4', 'note', 'plugin'],
    'dnsbl-status.tsv': ['zone', 'status', 'since', 'replacement', 'behaviour'],
    'bounce-reasons.tsv': ['reason', 'meaning', 'typical_enhanced_status', 'hard_by_default', 'sisimai_pseudo_status'],
    'enhanced-status-codes.tsv': ['code', 'subject', 'title', 'rfc'],
    'smtp-reply-codes.tsv': ['code', 'meaning', 'rfc'],
}

def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data')
    dst = os.path.join(os.path.dirname(__file__), '..', 'kb', 'data')
    os.makedirs(dst, exist_ok=True)
    for name, cols in KEEP.items():
        with open(os.path.join(src, name), encoding='utf-8') as f:
            rows = list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
        with open(os.path.join(dst, name), 'w', encoding='utf-8', newline='\n') as out:
            out.write('\t'.join(cols) + '\n')
            for row in rows:
                cells = [(row.get(c) or '').replace('\t', ' ').replace('\n', ' ') for c in cols]
                out.write('\t'.join(cells) + '\n')
        print(f'{name}: {len(rows)} rows')

if __name__ == '__main__':
    main()
