// The page's worker. It does two jobs, because the document itself may not fetch anything (its
// CSP has connect-src 'none', see boot.js):
// - at start, it fetches and compiles the page's own wasm module (the UI) and posts the compiled
//   module back;
// - it runs every analysis, with the engine's wasm module (crates/engine). The page asks for the
//   engine ("warm") as soon as it is interactive: the engine is part of the page's load, fetched
//   whatever the person does, and nothing is requested after it. The engine keeps the last
//   report, so "Copy as Markdown" is rendered on demand.
const here = self.location.href;
const ENGINE_JS = new URL('mailtriage-engine.js', here).href;
const ENGINE_WASM = new URL('mailtriage-engine_bg.wasm', here).href;

async function compile(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
  try {
    return await WebAssembly.compileStreaming(r.clone());
  } catch (_) {
    // A server that does not send application/wasm.
    return await WebAssembly.compile(await r.arrayBuffer());
  }
}

let engine = null;
function loadEngine() {
  if (!engine) {
    engine = (async () => {
      const [b, module] = await Promise.all([import(ENGINE_JS), compile(ENGINE_WASM)]);
      await b.default({ module_or_path: module });
      return b;
    })();
    // A failed load may be retried by the next request.
    engine.catch(() => { engine = null; });
  }
  return engine;
}

// One request at a time, in order; an analysis overtaken by a newer one while it waited is
// skipped (the page only waits for the newest).
let queue = Promise.resolve();
let latest = 0;
let analysed = 0;

// A fresh module runs its first analyses with the baseline compiler (several times slower);
// the engine tiers up hot code as it runs. So after loading it, the worker analyses the page's
// own examples a few times before the person's first paste, and stops as soon as it arrives.
const WARM_RUNS = 6;
const WARM_MS = 400;

function enqueue(job) {
  queue = queue.then(job, job);
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'load') {
    compile(m.wasm).then(
      (mod) => self.postMessage({ type: 'module', module: mod }),
      (err) => self.postMessage({ type: 'load-error', message: String(err) }),
    );
  } else if (m.type === 'warm') {
    enqueue(async () => {
      let b;
      try { b = await loadEngine(); } catch (_) { return; }
      const until = performance.now() + WARM_MS;
      for (let i = 0; i < WARM_RUNS && latest === 0 && m.sample && performance.now() < until; i++) {
        b.analyze_page(m.sample);
        await new Promise((r) => setTimeout(r, 0));
      }
    });
  } else if (m.type === 'analyze') {
    latest = m.id;
    enqueue(async () => {
      if (m.id !== latest) return;
      try {
        const b = await loadEngine();
        const t0 = performance.now();
        const json = b.analyze_page(m.text);
        analysed = m.id;
        self.postMessage({ type: 'result', id: m.id, json, ms: performance.now() - t0 });
      } catch (err) {
        self.postMessage({ type: 'result', id: m.id, json: '{}', ms: 0, error: String(err) });
      }
    });
  } else if (m.type === 'markdown') {
    enqueue(async () => {
      let md = '';
      try {
        if (m.id === analysed) md = (await loadEngine()).markdown_page();
      } catch (_) { /* answered empty: the page says the copy failed */ }
      self.postMessage({ type: 'markdown', id: m.id, md });
    });
  }
};
