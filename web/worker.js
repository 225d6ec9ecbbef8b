// The page's worker. The document itself may not fetch anything (its CSP has connect-src 'none',
// see boot.js), so at start the worker fetches and compiles the page's one wasm module, posts the
// compiled module back for the UI, and instantiates the same module for itself: the analysis
// (crates/engine behind the exports of crates/web/src/main.rs) runs here, never on the page's
// main thread. That is the whole load; nothing is requested after it. The worker's instance keeps
// the last report, so "Copy as Markdown" and share links are made on demand.

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

// The worker's own instance of the page's module (its bindings), once `load` has compiled it.
let engine = null;
function loadEngine(jsUrl, module) {
  engine = (async () => {
    const b = await import(jsUrl);
    await b.default({ module_or_path: await module });
    return b;
  })();
  return engine;
}

// Share links carry their text in the URL's fragment (which browsers never send anywhere):
// deflated, base64url. A link's text is read back with a size limit (no decompression bombs).
const MAX_SHARED = 10 * 1024 * 1024;

async function pack(text) {
  const z = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(z).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function unpack(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_SHARED) { await reader.cancel(); throw new Error('the shared text is larger than 10 MB'); }
    parts.push(value);
  }
  return new TextDecoder().decode(await new Blob(parts).arrayBuffer());
}

// One request at a time, in order; an analysis overtaken by a newer one while it waited is
// skipped (the page only waits for the newest).
let queue = Promise.resolve();
let latest = 0;
let analysed = 0;

// A fresh module runs with the baseline compiler (Liftoff: the 50 KB paste takes ~8 ms instead
// of ~5 ms); V8 compiles hot functions again, optimised, in the background as they run. So once
// loaded, the worker analyses the page's own examples a few times (WARM_RUNS or WARM_MS at
// most), yielding between runs, and stops as soon as the person's first paste arrives. Longer
// warming (60 runs) measured no better in the page (tools/measure-page.mjs) and burns more CPU.
const WARM_RUNS = 6;
const WARM_MS = 400;

function enqueue(job) {
  queue = queue.then(job, job);
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'load') {
    const module = compile(m.wasm);
    module.then(
      (mod) => self.postMessage({ type: 'module', module: mod }),
      (err) => self.postMessage({ type: 'load-error', message: String(err) }),
    );
    loadEngine(m.js, module).catch(() => {});
  } else if (m.type === 'warm') {
    enqueue(async () => {
      let b;
      try { b = await engine; } catch (_) { return; }
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
        const b = await engine;
        const t0 = performance.now();
        const json = b.analyze_page(m.text);
        analysed = m.id;
        self.postMessage({ type: 'result', id: m.id, json, ms: performance.now() - t0 });
      } catch (err) {
        self.postMessage({ type: 'result', id: m.id, json: '{}', ms: 0, error: String(err) });
      }
    });
  } else if (m.type === 'share') {
    // A link to the analysis `m.id`: its report (Markdown), or its paste with secrets masked.
    enqueue(async () => {
      let fragment = '';
      try {
        if (m.id === analysed) {
          const b = await engine;
          fragment = m.paste ? 'paste=' + await pack(b.redacted_page()) : 'report=' + await pack(b.markdown_page());
        }
      } catch (_) { /* answered empty: the page says the link failed */ }
      self.postMessage({ type: 'share', id: m.id, fragment });
    });
  } else if (m.type === 'unpack') {
    const [kind, data] = String(m.fragment).split('=', 2);
    unpack(data || '').then(
      (text) => self.postMessage({ type: 'unpacked', kind, text }),
      (err) => self.postMessage({ type: 'unpacked', kind: 'error', text: String(err) }),
    );
  } else if (m.type === 'markdown') {
    enqueue(async () => {
      let md = '';
      try {
        if (m.id === analysed) md = (await engine).markdown_page();
      } catch (_) { /* answered empty: the page says the copy failed */ }
      self.postMessage({ type: 'markdown', id: m.id, md });
    });
  }
};
