// Added by `cargo xtask split` in front of wasm-split's chunk loader. A lazy part needs its
// own module and up to thirty small chunks shared with other parts; over HTTP/1.1 on a
// phone each request costs a round trip, so the build also packs each part's files into
// one `part_<name>.bin` (a little-endian u32 header length, a JSON header of
// `[file, bytes]`, then the files). Opening a part downloads its pack (or takes the one
// the page started early, boot.js) and the chunk loader reads the files from it; a file
// already loaded by another part is simply not used again. `__ddPackFiles` (which files
// each pack holds: its own module, then its chunks' numbers as ranges, "split_a_1.wasm
// 28-52 60") is written in front of this by the build.
const __ddPacks = new Map();
function __ddUnpack(buffer) {
  const length = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  const files = new Map();
  let at = 4 + length;
  for (const [name, size] of header) {
    files.set(name, new Uint8Array(buffer, at, size));
    at += size;
  }
  return files;
}
function __ddPack(part) {
  if (!__ddPacks.has(part)) {
    const files = __ddEarly
      .take(new URL(`./part_${part}.bin`, import.meta.url))
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then(__ddUnpack);
    // A failed pack is forgotten: the chunk loader then fetches the files one by one.
    files.catch(() => __ddPacks.delete(part));
    __ddPacks.set(part, files);
  }
}
// Wraps each part's loader (in place of wasm-split's `wrapAsyncCb`): the pack first.
function __ddPart(part, load) {
  return wrapAsyncCb(() => {
    __ddPack(part);
    return load();
  });
}
function __ddHolds(part, file) {
  const [own, ...ranges] = __ddPackFiles[part].split(" ");
  const chunk = /^chunk_(\d+)\.wasm$/.exec(file);
  const n = chunk && Number(chunk[1]);
  return (
    file === own ||
    (chunk !== null &&
      ranges.some((range) => {
        const [first, last = first] = range.split("-").map(Number);
        return first <= n && n <= last;
      }))
  );
}
// The file from a pack on its way, or null when no pack holds it.
function __ddFromPack(url) {
  const file = url.pathname.split("/").pop();
  for (const [part, files] of __ddPacks) {
    if (__ddHolds(part, file)) {
      return files.then(
        (f) => new Response(f.get(file), { headers: { "Content-Type": "application/wasm" } }),
      );
    }
  }
  return null;
}
