// Added by `cargo xtask split` in front of wasm-split's chunk loader: a chunk whose
// download fails waits for the network instead of failing the app. A notice offers a
// retry (and retries by itself when the phone is back online); after an HTTP error (a
// newer version was deployed and this one's files are gone) the button reloads the page.
const __ddRetries = new Set();
let __ddNotice = null;
function __ddShowNotice(reload) {
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
function __ddFetchChunk(url) {
  return new Promise((resolve) => {
    // The first try takes the file from its part's pack (packs.js) or the download the
    // page started early (boot.js); a retry fetches it alone.
    let first = true;
    const attempt = () => {
      (first ? __ddFromPack(url) || __ddEarly.take(url) : fetch(url)).then(
        (response) => {
          if (response.ok) {
            resolve(response);
          } else {
            __ddRetries.add(attempt);
            __ddShowNotice(true);
          }
        },
        () => {
          __ddRetries.add(attempt);
          __ddShowNotice(false);
        },
      );
    };
    attempt();
    first = false;
  });
}
