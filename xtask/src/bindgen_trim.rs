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
//! - **The closures' exports' names.** The JS glue calls each Rust closure type through an
//!   export named after it plus a hash (`wasm_bindgen__convert__closures_____invoke__h…`),
//!   written in the module and in the glue: renamed `_a`, `_b`, ….
//! - **Code only server rendering calls.** With `erase_components`, leptos_router keeps
//!   each route behind a table of functions, one of which lists the routes for server
//!   rendering (`generate_routes`, called only when a server generates its route list). A
//!   browser app never calls it, but the table keeps it and all it calls (about 14 KB before
//!   `wasm-opt`, 2.7 KB brotli). Its bodies become `unreachable` here, so `wasm-opt` drops
//!   what only they used. If the name is not found the build fails: a new leptos_router is
//!   looked at, not guessed at.

use std::{
    collections::{HashMap, HashSet},
    fs,
    path::Path,
};

use wasm_encoder::{CodeSection, EntityType, ExportSection, ImportSection, Module, RawSection};
use wasmparser::{KnownCustom, Name, Parser, Payload, TypeRef};

/// The exports dropped: wasm-streams' adapters (`intounderlyingsource_pull`,
/// `__wbg_intounderlyingsink_free`, …).
const UNUSED_EXPORTS: &str = "intounderlying";

/// The functions only server rendering calls, by a part of their names in the module's
/// name section (one per route type: `<T as …::IntoAnyNestedRoute>::into_any_nested_route
/// ::generate_routes::h…`).
const SERVER_ONLY: &str = "IntoAnyNestedRoute>::into_any_nested_route::generate_routes";

/// The exports renamed: the JS glue's way into Rust closures.
const CLOSURE_EXPORTS: &str = "wasm_bindgen__convert__closures_____invoke__";

/// A function body that only traps: no locals, `unreachable`, `end`.
const TRAP: [u8; 3] = [0x00, 0x00, 0x0b];

/// The new names of the imports and exports the module and its glue share.
#[derive(Default)]
struct Renames {
    imports: HashMap<String, String>,
    exports: HashMap<String, String>,
}

/// Renames the imports of `module` (the glue's own module name) and the closures' exports
/// in `wasm` and in the glue `js`, which must define each import exactly once
/// (`name: function …`) and use each export, or nothing is changed and the build fails: a
/// glue this does not understand is not guessed at. Drops the unused exports from `wasm`,
/// and makes its server-only functions trap.
pub fn trim(wasm: &Path, js: &Path, module: &str) -> Result<(), String> {
    let bytes = fs::read(wasm).map_err(|e| format!("read {}: {e}", wasm.display()))?;
    let glue = fs::read_to_string(js).map_err(|e| format!("read {}: {e}", js.display()))?;
    let (renamed_wasm, names) = rewrite(&bytes, module)?;
    let renamed_js = rename_in_glue(&without_unused_classes(&glue)?, &names)?;
    fs::write(wasm, renamed_wasm).map_err(|e| e.to_string())?;
    fs::write(js, renamed_js).map_err(|e| e.to_string())
}

/// The module with `module`'s imports renamed in order (`a`, `b`, … `Z`, `a0`, …) and the
/// closures' exports too (`_a`, `_b`, …), the unused exports dropped and the server-only
/// functions' bodies a trap, and the names given.
fn rewrite(bytes: &[u8], module: &str) -> Result<(Vec<u8>, Renames), String> {
    let (imported, server_only) = server_only_functions(bytes)?;
    let mut out = Module::new();
    let mut names = Renames::default();
    let mut code = CodeSection::new();
    let (mut body_index, mut bodies_left) = (0, 0);
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| format!("parse wasm: {e}"))?;
        if let Payload::ImportSection(reader) = &payload {
            let mut imports = ImportSection::new();
            for import in reader.clone().into_imports() {
                let import = import.map_err(|e| format!("parse imports: {e}"))?;
                let ty =
                    EntityType::try_from(import.ty).map_err(|e| format!("import type: {e}"))?;
                let name = if import.module == module {
                    let short = short_name(names.imports.len());
                    if names
                        .imports
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
            let mut kept = HashSet::new();
            for export in reader.clone() {
                let export = export.map_err(|e| format!("parse exports: {e}"))?;
                if export.name.contains(UNUSED_EXPORTS) {
                    continue;
                }
                let name = match export.name.starts_with(CLOSURE_EXPORTS) {
                    true => {
                        let short = format!("_{}", short_name(names.exports.len()));
                        names.exports.insert(export.name.to_string(), short.clone());
                        short
                    }
                    false => export.name.to_string(),
                };
                if !kept.insert(name.clone()) {
                    return Err(format!("the module exports {name} twice"));
                }
                exports.export(&name, export.kind.into(), export.index);
            }
            out.section(&exports);
        } else if let Payload::CodeSectionStart { count, .. } = &payload {
            // The bodies follow; the section is written after the last one.
            bodies_left = *count;
            if bodies_left == 0 {
                out.section(&code);
            }
        } else if let Payload::CodeSectionEntry(body) = &payload {
            match server_only.contains(&(imported + body_index)) {
                true => code.raw(&TRAP),
                false => code.raw(body.as_bytes()),
            };
            body_index += 1;
            bodies_left -= 1;
            if bodies_left == 0 {
                out.section(&code);
            }
        } else if let Some((id, range)) = payload.as_section() {
            out.section(&RawSection {
                id,
                data: &bytes[range],
            });
        }
    }
    Ok((out.finish(), names))
}

/// How many functions the module imports (the code section's first body is function
/// number this), and the numbers of the functions named like [`SERVER_ONLY`]: at least one,
/// or an error.
fn server_only_functions(bytes: &[u8]) -> Result<(u32, HashSet<u32>), String> {
    let (mut imported, mut found) = (0, HashSet::new());
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(|e| format!("parse wasm: {e}"))? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| format!("parse imports: {e}"))?;
                    if matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::CustomSection(reader) => {
                let KnownCustom::Name(names) = reader.as_known() else {
                    continue;
                };
                for name in names {
                    let Name::Function(functions) = name.map_err(|e| format!("names: {e}"))? else {
                        continue;
                    };
                    for naming in functions {
                        let naming = naming.map_err(|e| format!("function names: {e}"))?;
                        if naming.name.contains(SERVER_ONLY) {
                            found.insert(naming.index);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    match found.is_empty() {
        true => Err(format!(
            "no function named like {SERVER_ONLY} (is the name section kept? did leptos_router change?)"
        )),
        false => Ok((imported, found)),
    }
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

fn rename_in_glue(glue: &str, names: &Renames) -> Result<String, String> {
    let mut out = String::with_capacity(glue.len());
    let mut found = HashMap::new();
    let mut rest = glue;
    while let Some(start) = rest.find(|c: char| is_ident(c)) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_ident(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        match names
            .imports
            .get(token)
            .or_else(|| names.exports.get(token))
        {
            Some(short) => {
                *found.entry(token).or_insert(0) += 1;
                out.push_str(short);
            }
            None => out.push_str(token),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    for name in names.imports.keys() {
        match found.get(name.as_str()) {
            Some(1) => {}
            Some(n) => return Err(format!("the JS glue names the import {name} {n} times")),
            None => return Err(format!("the JS glue does not define the import {name}")),
        }
    }
    if let Some(name) = names
        .exports
        .keys()
        .find(|n| !found.contains_key(n.as_str()))
    {
        return Err(format!("the JS glue does not use the export {name}"));
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
        let names = Renames {
            imports: HashMap::from([("__wbg_body_5f97".to_string(), "a".to_string())]),
            exports: HashMap::from([(format!("{CLOSURE_EXPORTS}h01"), "_a".to_string())]),
        };
        let glue = format!(
            "x={{__wbg_body_5f97:function(e){{return e.body}},__wbg_body_5f97x:1}};wasm.{CLOSURE_EXPORTS}h01(1);"
        );
        assert_eq!(
            rename_in_glue(&glue, &names).unwrap(),
            "x={a:function(e){return e.body},__wbg_body_5f97x:1};wasm._a(1);"
        );
        // Each export used, each import defined exactly once.
        assert!(rename_in_glue("x={__wbg_body_5f97:1}", &names).is_err());
        assert!(rename_in_glue("x={}", &names).is_err());
        assert!(rename_in_glue("__wbg_body_5f97 __wbg_body_5f97", &names).is_err());
    }

    /// A module importing one function from `./glue.js` and defining two, the second named
    /// `second` (the first's name given) and exported as a closure's way in.
    fn module_with(first: &str) -> Vec<u8> {
        use wasm_encoder::{FunctionSection, NameMap, NameSection, TypeSection, ValType};
        let mut types = TypeSection::new();
        types.ty().function([], [ValType::I32]);
        let mut imports = ImportSection::new();
        imports.import("./glue.js", "__wbg_x_0123", EntityType::Function(0));
        let mut functions = FunctionSection::new();
        functions.function(0).function(0);
        let mut exports = ExportSection::new();
        exports.export(
            &format!("{CLOSURE_EXPORTS}h0123"),
            wasm_encoder::ExportKind::Func,
            2,
        );
        let mut code = CodeSection::new();
        for value in [1, 2] {
            let mut body = wasm_encoder::Function::new([]);
            body.instructions().i32_const(value).end();
            code.function(&body);
        }
        let mut function_names = NameMap::new();
        function_names.append(1, first);
        function_names.append(2, "second");
        let mut names = NameSection::new();
        names.functions(&function_names);
        let mut module = Module::new();
        module
            .section(&types)
            .section(&imports)
            .section(&functions)
            .section(&exports)
            .section(&code)
            .section(&names);
        module.finish()
    }

    fn bodies(wasm: &[u8]) -> Vec<Vec<u8>> {
        Parser::new(0)
            .parse_all(wasm)
            .filter_map(|p| match p.unwrap() {
                Payload::CodeSectionEntry(body) => Some(body.as_bytes().to_vec()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn server_only_functions_trap_and_the_others_stay() {
        let name = format!("<T as leptos_router::x::{SERVER_ONLY}::h0123456789abcdef");
        let module = module_with(&name);
        let (out, names) = rewrite(&module, "./glue.js").unwrap();
        assert_eq!(names.imports["__wbg_x_0123"], "a");
        assert_eq!(names.exports[&format!("{CLOSURE_EXPORTS}h0123")], "_a");
        let exported: Vec<String> = Parser::new(0)
            .parse_all(&out)
            .filter_map(|p| match p.unwrap() {
                Payload::ExportSection(reader) => Some(reader),
                _ => None,
            })
            .flatten()
            .map(|e| e.unwrap().name.to_string())
            .collect();
        assert_eq!(exported, ["_a"]);
        let (before, after) = (bodies(&module), bodies(&out));
        assert_eq!(after, vec![TRAP.to_vec(), before[1].clone()]);
        assert_ne!(before[0], TRAP.to_vec());
        // Nothing to make trap: the build stops rather than ship a bigger module unnoticed.
        assert!(rewrite(&module_with("first"), "./glue.js").is_err());
    }
}
