// The page's worker. First it fetches and compiles the wasm module for the page (the document
// itself may not fetch anything, see boot.js). Only when a paste is large does it instantiate the
// module itself (no second download) and analyse there, so the page stays responsive.
let module = null;
let bindings = null;

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

async function instance(jsUrl) {
  if (!bindings) {
    const b = await import(jsUrl);
    await b.default({ module_or_path: module });
    bindings = b;
  }
  return bindings;
}

let queue = Promise.resolve();
let latest = 0;

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'load') {
    compile(m.wasm).then(
      (mod) => { module = mod; self.postMessage({ type: 'module', module: mod }); },
      (err) => self.postMessage({ type: 'load-error', message: String(err) }),
    );
  } else if (m.type === 'analyze') {
    // One at a time; a request overtaken by a newer one while it waited is skipped (the page
    // only waits for the newest).
    latest = m.id;
    queue = queue.then(async () => {
      if (m.id !== latest) return;
      const b = await instance(m.js);
      const t0 = performance.now();
      const json = b.analyze_page(m.text);
      self.postMessage({ type: 'result', id: m.id, json, ms: performance.now() - t0 });
    }).catch((err) => self.postMessage({ type: 'result', id: m.id, json: '{}', ms: 0, error: String(err) }));
  }
};
