// Added by `cargo xtask split` in front of wasm-split's chunk loader: a chunk whose
// download fails waits for the network instead of failing the app, with the notice of the
// loader's stand-in (stand_in.js, `parts.js` in the build).
import { __ddRetries, __ddShowNotice } from "./parts.js";
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
