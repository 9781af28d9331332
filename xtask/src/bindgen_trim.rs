//! What wasm-bindgen's output carries into the first load that the app does not need.
//!
//! - **The imports' names.** wasm-bindgen names each JS function the main module imports
//!   after the function plus a 16-digit hash (`__wbg_body_5f971cbc6950ca4f`), and every
//!   name is written twice: in the module's import section and in the JS glue's imports
//!   object. Hashes do not compress: renaming the ~300 imports to `a`, `b`, … takes about
//!   3 KB off the wasm and 3 KB off the glue (brotli).
//! - **wasm-streams' exports.** Leptos's `csr` feature brings server functions' browser
//!   side, whose dependency wasm-streams exports three JS stream adapters
//!   (`IntoUnderlying*`). The app has no server functions; without the exports `wasm-opt`
//!   drops their code, and their classes leave the glue.

use std::{collections::HashMap, fs, path::Path};

use wasm_encoder::{EntityType, ExportSection, ImportSection, Module, RawSection};
use wasmparser::{Parser, Payload};

/// The exports dropped: wasm-streams' adapters (`intounderlyingsource_pull`,
/// `__wbg_intounderlyingsink_free`, …).
const UNUSED_EXPORTS: &str = "intounderlying";

/// Renames the imports of `module` (the glue's own module name) in `wasm` and in the glue
/// `js`, which must define each of them exactly once (`name: function …`), or nothing is
/// changed and the build fails: a glue this does not understand is not guessed at. Drops
/// the unused exports from `wasm`.
pub fn trim(wasm: &Path, js: &Path, module: &str) -> Result<usize, String> {
    let bytes = fs::read(wasm).map_err(|e| format!("read {}: {e}", wasm.display()))?;
    let glue = fs::read_to_string(js).map_err(|e| format!("read {}: {e}", js.display()))?;
    let (renamed_wasm, names) = rename_imports(&bytes, module)?;
    let renamed_js = rename_in_glue(&without_unused_classes(&glue)?, &names)?;
    fs::write(wasm, renamed_wasm).map_err(|e| e.to_string())?;
    fs::write(js, renamed_js).map_err(|e| e.to_string())?;
    Ok(names.len())
}

/// The module with `module`'s imports renamed in order (`a`, `b`, … `Z`, `a0`, …) and the
/// unused exports dropped, and the names given.
fn rename_imports(
    bytes: &[u8],
    module: &str,
) -> Result<(Vec<u8>, HashMap<String, String>), String> {
    let mut out = Module::new();
    let mut names = HashMap::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| format!("parse wasm: {e}"))?;
        if let Payload::ImportSection(reader) = &payload {
            let mut imports = ImportSection::new();
            for import in reader.clone().into_imports() {
                let import = import.map_err(|e| format!("parse imports: {e}"))?;
                let ty =
                    EntityType::try_from(import.ty).map_err(|e| format!("import type: {e}"))?;
                let name = if import.module == module {
                    let short = short_name(names.len());
                    if names
                        .insert(import.name.to_string(), short.clone())
                        .is_some()
                    {
                        return Err(format!("{module} imports {} twice", import.name));
                    }
                    short
                } else {
                    import.name.to_string()
                };
                imports.import(import.module, &name, ty);
            }
            out.section(&imports);
        } else if let Payload::ExportSection(reader) = &payload {
            let mut exports = ExportSection::new();
            for export in reader.clone() {
                let export = export.map_err(|e| format!("parse exports: {e}"))?;
                if !export.name.contains(UNUSED_EXPORTS) {
                    exports.export(export.name, export.kind.into(), export.index);
                }
            }
            out.section(&exports);
        } else if let Some((id, range)) = payload.as_section() {
            out.section(&RawSection {
                id,
                data: &bytes[range],
            });
        }
    }
    Ok((out.finish(), names))
}

/// The glue without the classes of the dropped exports: each `export class Name {` …
/// `}` block, the line after it that adds `Symbol.dispose`, and its
/// `const NameFinalization = …;` statement.
fn without_unused_classes(glue: &str) -> Result<String, String> {
    let mut out = Vec::new();
    let mut lines = glue.lines();
    let mut dropped = Vec::new();
    while let Some(line) = lines.next() {
        let class = line
            .strip_prefix("export class ")
            .and_then(|rest| rest.strip_suffix(" {"))
            .filter(|name| name.to_ascii_lowercase().contains(UNUSED_EXPORTS));
        let finalization = dropped
            .iter()
            .any(|name: &String| line.starts_with(&format!("const {name}Finalization = ")));
        if let Some(name) = class {
            if !lines.by_ref().any(|l| l == "}") {
                return Err(format!("the JS glue's class {name} does not end"));
            }
            let dispose = lines.next().unwrap_or_default();
            if !dispose.starts_with(&format!("if (Symbol.dispose) {name}.")) {
                out.push(dispose);
            }
            dropped.push(name.to_string());
        } else if finalization {
            if !lines.by_ref().any(|l| l.ends_with(");")) {
                return Err(format!("the JS glue's {line} does not end"));
            }
        } else {
            out.push(line);
        }
    }
    let glue = out.join("\n") + "\n";
    match dropped.iter().find(|name| glue.contains(name.as_str())) {
        Some(name) => Err(format!("the JS glue still uses the class {name}")),
        None => Ok(glue),
    }
}

fn rename_in_glue(glue: &str, names: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(glue.len());
    let mut found = HashMap::new();
    let mut rest = glue;
    while let Some(start) = rest.find(|c: char| is_ident(c)) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        match names.get(token) {
            Some(short) => {
                *found.entry(token).or_insert(0) += 1;
                out.push_str(short);
            }
            None => out.push_str(token),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    for name in names.keys() {
        match found.get(name.as_str()) {
            Some(1) => {}
            Some(n) => return Err(format!("the JS glue names the import {name} {n} times")),
            None => return Err(format!("the JS glue does not define the import {name}")),
        }
    }
    Ok(out)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `a`…`z`, `A`…`Z`, then `a0`, `b0`, …: valid as JS property names and never one of the
/// glue's own `__wbg_`/`__wbindgen_` names.
fn short_name(mut n: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const NEXT: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = String::from(FIRST[n % FIRST.len()] as char);
    n /= FIRST.len();
    while n > 0 {
        n -= 1;
        name.push(NEXT[n % NEXT.len()] as char);
        n /= NEXT.len();
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_distinct() {
        let names: std::collections::HashSet<_> = (0..10_000).map(short_name).collect();
        assert_eq!(names.len(), 10_000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(52), "a0");
    }

    #[test]
    fn the_unused_classes_leave_the_glue() {
        let glue = "import x from 'y';\n\nexport class IntoUnderlyingSink {\n    free() {\n        wasm.a();\n    }\n}\nif (Symbol.dispose) IntoUnderlyingSink.prototype[Symbol.dispose] = IntoUnderlyingSink.prototype.free;\n\nexport class Kept {\n}\nconst IntoUnderlyingSinkFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? {}\n    : new FinalizationRegistry(ptr => wasm.b(ptr, 1));\nconst after = 1;\n";
        assert_eq!(
            without_unused_classes(glue).unwrap(),
            "import x from 'y';\n\n\nexport class Kept {\n}\nconst after = 1;\n"
        );
        assert!(without_unused_classes("export class IntoUnderlyingSink {\n").is_err());
    }

    #[test]
    fn the_glue_keeps_every_other_name() {
        let names = HashMap::from([("__wbg_body_5f97".to_string(), "a".to_string())]);
        let glue = "x={__wbg_body_5f97:function(e){return e.body},__wbg_body_5f97x:1};";
        assert_eq!(
            rename_in_glue(glue, &names).unwrap(),
            "x={a:function(e){return e.body},__wbg_body_5f97x:1};"
        );
        assert!(rename_in_glue("x={}", &names).is_err());
        assert!(rename_in_glue("__wbg_body_5f97 __wbg_body_5f97", &names).is_err());
    }
}
