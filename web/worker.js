// The page's worker. It does two jobs, because the document itself may not fetch anything (its
// CSP has connect-src 'none', see boot.js):
// - at start, it fetches and compiles the page's own wasm module (the UI) and posts the compiled
//   module back;
// - it runs every analysis, with the engine's wasm module (crates/engine). The page asks for the
//   engine ("warm") as soon as it is interactive: the engine is part of the page's load, fetched
//   whatever the person does, and nothing is requested after it. The engine keeps the last
//   report, so "Copy as Markdown" and share links are made on demand.
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
  } else if (m.type === 'share') {
    // A link to the analysis `m.id`: its report (Markdown), or its paste with secrets masked.
    enqueue(async () => {
      let fragment = '';
      try {
        if (m.id === analysed) {
          const b = await loadEngine();
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
        if (m.id === analysed) md = (await loadEngine()).markdown_page();
      } catch (_) { /* answered empty: the page says the copy failed */ }
      self.postMessage({ type: 'markdown', id: m.id, md });
    });
  }
};
