// Written by `cargo xtask split` as `parts.js`, with one export per lazy part after it: the
// first load's stand-in for wasm-split's chunk loader (`__wasm_split.js`: 74 KB of JS, 6 KB
// of the first load in brotli, needed only once a lazy part opens). The main module imports
// each part's load function from here; the first call downloads the loader (boot.js starts
// that early when the page opens on a lazy part, and when the browser is idle) and hands
// the call on once the parts' styles are in too. A download that fails waits for the
// network: a notice offers a retry (and retries by itself when the phone is back online);
// after an HTTP error (a newer version was deployed and this one's files are gone) the
// button reloads the page. The loader's chunk downloads (chunk_retry.js) use the same
// notice.
export const __ddRetries = new Set();
let __ddNotice = null;
export function __ddShowNotice(reload) {
  const en = (document.documentElement.lang || "").startsWith("en");
  if (!__ddNotice) {
    __ddNotice = document.createElement("div");
    __ddNotice.className = "chunk-failed notice notice-error";
    __ddNotice.setAttribute("role", "alert");
    __ddNotice.dataset.testid = "chunk-failed";
    const text = document.createElement("p");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-primary";
    button.dataset.testid = "chunk-retry";
    __ddNotice.append(text, button);
    document.body.append(__ddNotice);
    window.addEventListener("online", __ddRetryAll);
  }
  const [text, button] = __ddNotice.children;
  text.textContent = en
    ? "This page could not be loaded. Check the network and try again."
    : "页面加载失败，请检查网络后重试。";
  button.textContent = en ? "Try again" : "重试";
  button.onclick = reload ? () => location.reload() : __ddRetryAll;
}
function __ddRetryAll() {
  const pending = [...__ddRetries];
  __ddRetries.clear();
  if (__ddNotice) {
    __ddNotice.remove();
    __ddNotice = null;
  }
  pending.forEach((retry) => retry());
}
let __ddLoader = null;
// The parts' styles (style/parts.css, through the page's boot script), so that no part
// shows unstyled; none to wait for where no boot script ran.
const __ddSheet = () =>
  window.__ddEarly && window.__ddEarly.sheet ? window.__ddEarly.sheet() : null;
function __ddLoad() {
  if (!__ddLoader) {
    __ddLoader = new Promise((resolve) => {
      let tries = 0;
      let loaded = null;
      const attempt = () => {
        // A browser may remember a module that failed to download: a retry asks for it
        // under a name of its own.
        const url = tries++ ? `./__wasm_split.js?try=${tries}` : "./__wasm_split.js";
        const loader = loaded || import(url);
        loader.then((module) => (loaded = Promise.resolve(module)), () => {});
        Promise.all([loader, __ddSheet()]).then(([module]) => resolve(module), () => {
          __ddRetries.add(attempt);
          __ddShowNotice(false);
        });
      };
      attempt();
    });
  }
  return __ddLoader;
}
const __ddLoadPart = (name) => (...args) => {
  __ddLoad().then((loader) => loader[name](...args));
};
