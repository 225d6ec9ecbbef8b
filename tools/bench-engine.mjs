// Times the page's analysis as its worker runs it (dist/mailtriage-web-*: the page's one wasm
// module, whose analysis exports the worker calls) in node, away from the browser's other work: `analyze_page` on the 50 KB mixed paste that
// tools/measure-page.mjs uses (the page's examples repeated) and on seed 002 when ../shared is
// beside the repository. 300 runs each; the first 50 (the JIT warming up) are left out.
// `node tools/bench-engine.mjs` after `make page` (`make measure` runs it).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const glue = readdirSync(DIST).find((f) => /^mailtriage-web-.*\.js$/.test(f));
const engine = await import(pathToFileURL(join(DIST, glue)).href);
engine.initSync({ module: readFileSync(join(DIST, glue.replace(/\.js$/, '_bg.wasm'))) });

function bench(name, text) {
  const ms = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    engine.analyze_page(i % 2 ? text : text + ' ');
    ms.push(performance.now() - t0);
  }
  const s = ms.slice(50).sort((a, b) => a - b);
  console.log(`engine, ${name} (${(text.length / 1024).toFixed(0)} KB): median ${s[s.length >> 1].toFixed(2)} ms, min ${s[0].toFixed(2)} ms, first run ${ms[0].toFixed(2)} ms`);
}

const examples = readdirSync(join(ROOT, 'web', 'examples')).sort().map((f) => readFileSync(join(ROOT, 'web', 'examples', f), 'utf8'));
let paste50 = '';
while (paste50.length < 50 * 1024) paste50 += examples.join('\n\n') + '\n\n';
bench('50 KB mixed paste', paste50.slice(0, 50 * 1024));
const seeds = join(ROOT, '..', 'shared', 'seeds');
const seed = existsSync(seeds) && readdirSync(seeds).find((f) => f.startsWith('002_'));
if (seed) bench('seed 002', readFileSync(join(seeds, seed), 'utf8'));
else console.log('seed 002: skipped (../shared/seeds absent)');
