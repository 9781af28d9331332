// Put into index.html by `cargo xtask split` (the placeholders filled there), the first
// script of the page. It starts the downloads the page needs before anything else runs:
// the main module and, named by the server in `data-now`, the lazy part the page shows
// (a deep link to a consultation gets its chunks beside the main module, not after it).
// Once the app runs and the browser is idle it fetches `data-next`, the part a doctor
// likely opens next. The app takes each answer from here (`__ddEarly.take`): one request
// per file in every engine (WebKit downloads a `<link rel="preload">` twice).
(() => {
  const script = document.currentScript;
  const started = new Map();
  const key = (url) => new URL(url, location.href).href;
  const start = (url, init) => {
    if (!started.has(key(url))) {
      const answer = fetch(url, init);
      answer.catch(() => {});
      started.set(key(url), answer);
    }
  };
  const list = (name) => (script.dataset[name] || "").split(" ").filter(Boolean);
  window.__ddEarly = {
    main: "__MAIN__",
    take(url) {
      const answer = started.get(key(url));
      started.delete(key(url));
      return answer || fetch(url);
    },
    idle() {
      const later = window.requestIdleCallback || ((f) => setTimeout(f, 500));
      later(() => list("next").forEach((url) => start(url, { priority: "low" })));
    },
  };
  [window.__ddEarly.main, ...list("now")].forEach((url) => start(url));
})();
