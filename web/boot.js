// Starts the page. The document's CSP forbids every connection (connect-src 'none'), so the
// document cannot fetch its own wasm module: the worker (same origin, web/worker.js) fetches and
// compiles it and posts the compiled WebAssembly.Module back. The page has one module for both
// threads: here it only mounts the UI (start_ui); the worker instantiates the same compiled
// module for itself and runs every analysis with it. Nothing is fetched after that.
const me = document.querySelector('script[data-wasm]');
const jsUrl = new URL(me.dataset.js, location.href).href;
const wasmUrl = new URL(me.dataset.wasm, location.href).href;

// Theme before the first paint: "light" / "dark" as chosen, else the system's.
try {
  const t = localStorage.getItem('mailtriage-theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
} catch (_) { /* storage disabled */ }

const worker = new Worker(new URL('worker.js', me.src), { type: 'module' });

// The page's side of the worker: the Rust app calls these and sets onresult / onmarkdown.
window.mailtriageWorker = {
  onresult: null,
  onmarkdown: null,
  warm(sample) {
    worker.postMessage({ type: 'warm', sample });
  },
  analyze(id, text) {
    worker.postMessage({ type: 'analyze', id, text });
  },
  markdown(id) {
    worker.postMessage({ type: 'markdown', id });
  },
  share(id, paste) {
    worker.postMessage({ type: 'share', id, paste });
  },
  unpack(fragment) {
    worker.postMessage({ type: 'unpack', fragment });
  },
  onshare: null,
  onunpacked: null,
};

const compiled = new Promise((resolve, reject) => {
  worker.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type === 'module') resolve(m.module);
    else if (m.type === 'load-error') reject(new Error(m.message));
    else if (m.type === 'result' && window.mailtriageWorker.onresult) {
      window.mailtriageWorker.onresult(m.id, m.json, m.ms, m.error);
    } else if (m.type === 'markdown' && window.mailtriageWorker.onmarkdown) {
      window.mailtriageWorker.onmarkdown(m.id, m.md);
    } else if (m.type === 'share' && window.mailtriageWorker.onshare) {
      window.mailtriageWorker.onshare(m.id, m.fragment);
    } else if (m.type === 'unpacked' && window.mailtriageWorker.onunpacked) {
      window.mailtriageWorker.onunpacked(m.kind, m.text);
    }
  });
  worker.addEventListener('error', (e) => reject(e.error || new Error(e.message)));
});
worker.postMessage({ type: 'load', wasm: wasmUrl, js: jsUrl });

try {
  const module = await compiled;
  const bindings = await import(jsUrl);
  await bindings.default({ module_or_path: module });
  document.getElementById('boot-note')?.remove();
  bindings.start_ui();
} catch (err) {
  document.getElementById('boot-note')?.remove();
  const p = document.createElement('p');
  p.className = 'load-error';
  p.textContent = 'The page could not start: ' + err + '. It needs WebAssembly and module workers (a current browser).';
  document.body.append(p);
  throw err;
}
