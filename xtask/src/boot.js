// Put into index.html by `cargo xtask split` (the placeholders filled there), the first
// script of the page. It starts the downloads the page needs before anything else runs:
// the main module and, named by the server in `data-now`, the lazy part the page shows
// (a deep link to a consultation gets its chunks beside the main module, not after it).
// Once the app runs and the browser is idle it fetches `data-next`, the part a doctor
// likely opens next. The app takes each answer from here (`__ddEarly.take`): one request
// per file in every engine (WebKit downloads a `<link rel="preload">` twice).
// The API requests the page starts with (`data-api`, from `doctor_desk_api::preload`) are
// asked for here too, first, in every engine: none waits for the wasm nor for `GET /me`'s
// answer, and they are in and read when the app runs. The app takes each once (`answer`,
// in src/api.rs) and drops the rest when the page is left or the session changes (`forget`).
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
  // The chunk loader and the parts' styles, which the first load leaves out (the loader's
  // stand-in, parts.js, fetches both when a lazy part first opens): wanted at once by a
  // page that opens on a lazy part.
  let loaderAsked = false;
  const loader = () => {
    if (!loaderAsked) {
      loaderAsked = true;
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = "__LOADER__";
      document.head.append(link);
      window.__ddEarly.sheet().catch(() => {});
    }
  };
  let sheet = null;
  let sheetTries = 0;
  const answers = new Map();
  list("api").forEach((url) => {
    const answer = fetch(url, { headers: { Accept: "application/json" } }).then((r) =>
      r
        .json()
        .catch(() => null)
        .then((body) => [r.status, r.headers.get("retry-after"), body]),
    );
    answer.catch(() => {});
    answers.set(key(url), answer);
  });
  window.__ddEarly = {
    main: "__MAIN__",
    // What the app took, and the rows drawn before it ran (the e2e tests read them).
    taken: [],
    drawn: [],
    take(url) {
      const answer = started.get(key(url));
      started.delete(key(url));
      return answer || fetch(url);
    },
    answer(url) {
      const answer = answers.get(key(url));
      answers.delete(key(url));
      if (answer) this.taken.push(url);
      // Handed over in a task of its own, as an answer from the network would be: the
      // app's start and each page's drawing stay separate short tasks, not one long one
      // that holds a tap (measured: Lighthouse's blocking time 185 ms at once, 77 apart).
      return answer && answer.then((a) => new Promise((done) => setTimeout(() => done(a))));
    },
    forget() {
      answers.clear();
    },
    // The parts' stylesheet, added once: settled when it has loaded or failed; after a
    // failure the next call asks again, under a name of its own (a browser may remember
    // the failure).
    sheet() {
      if (!sheet) {
        sheet = new Promise((loaded, failed) => {
          const link = document.createElement("link");
          link.rel = "stylesheet";
          link.href = sheetTries++ ? `__PARTS_CSS__?try=${sheetTries}` : "__PARTS_CSS__";
          link.onload = () => loaded();
          link.onerror = () => {
            sheet = null;
            link.remove();
            failed();
          };
          document.head.append(link);
        });
      }
      return sheet;
    },
    idle() {
      const later = window.requestIdleCallback || ((f) => setTimeout(f, 500));
      later(() => {
        loader();
        list("next").forEach((url) => start(url, { priority: "low" }));
      });
    },
  };
  // /inbox with a session (the server marks the page `data-boot="inbox"` and names the
  // list's request in `data-rows`): the first rows of its answer go into index.html's frame
  // of the inbox while the wasm still downloads, as src/pages/inbox/mod.rs draws them (the
  // countdown aside, the app adds it), each a link that works before the app does. Text
  // only, never HTML. The app shows itself in their place once it has drawn its own
  // (src/skeleton.rs); the e2e inbox flow checks the two agree (`drawn`).
  const rows = script.dataset.rows && answers.get(key(script.dataset.rows));
  // The answer may come before the page's body is read (its stylesheet holds the parser).
  const parsed = (f) =>
    document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", f) : f();
  if (rows) {
    rows.then(([status, , page]) => parsed(() => {
      const list = document.querySelector(".boot-inbox .consultations");
      const frame = document.documentElement.dataset.boot === "inbox";
      if (status !== 200 || !list || !frame || !page || !Array.isArray(page.items)) return;
      const el = (tag, className, text) => {
        const e = document.createElement(tag);
        if (className) e.className = className;
        if (text !== undefined) e.textContent = text;
        return e;
      };
      const status_ = { new: "待接诊", ongoing: "进行中", closed: "已结束", declined: "已拒绝" };
      const counts = page.counts || {};
      for (const [tab, count] of Object.entries(counts)) {
        const shown = document.querySelector(`.boot-inbox [data-count="${tab}"]`);
        if (shown) shown.textContent = count;
      }
      // As many as a tall screen shows; the app's list renders those near the screen too.
      page.items.slice(0, 12).forEach((row, i) => {
        const p = row.patient;
        const line = [p.masked_name, p.sex === "male" ? "男" : "女", `${p.age} 岁`].join(" · ");
        const meta = [status_[row.status]];
        if (row.unread > 0) meta.push(`${row.unread} 条未读`);
        const li = el("li", "consultation-row");
        li.setAttribute("aria-posinset", i + 1);
        li.setAttribute("aria-setsize", counts.new);
        const a = el("a", "card");
        a.href = `/inbox/${row.id}`;
        const head = el("span", "row-head");
        head.append(el("strong", "", line), el("span"));
        const badges = el("span", "row-meta");
        meta.forEach((text, j) => badges.append(el("span", j ? "badge badge-warn" : "badge badge-neutral", text)));
        a.append(head, el("span", "row-complaint", row.complaint_preview), badges);
        li.append(a);
        list.append(li);
        window.__ddEarly.drawn.push([a.getAttribute("href"), line, row.complaint_preview, ...meta]);
      });
    })).catch(() => {});
  }
  [window.__ddEarly.main, ...list("now")].forEach((url) => start(url));
  if (list("now").length) loader();
})();
