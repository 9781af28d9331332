//! Browser test: the Markdown toolbar's edits (what each button does to the selection),
//! and the offsets between the browser's selection (UTF-16) and the text (UTF-8).

#![cfg(target_arch = "wasm32")]

use doctor_desk::pages::posts::toolbar::{apply, byte_of, insert_image, units_of, Format};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn bold_and_link_wrap_the_selection_or_a_sample() {
    let (text, from, to) = apply("多喝水", 3, 6, Format::Bold, "重点");
    assert_eq!(text, "多**喝**水");
    assert_eq!(&text[from..to], "喝");
    let (text, from, to) = apply("", 0, 0, Format::Bold, "重点");
    assert_eq!((text.as_str(), &text[from..to]), ("**重点**", "重点"));
    let (text, from, to) = apply("见指南", 3, 9, Format::Link, "链接");
    assert_eq!(text, "见[指南](https://)");
    assert_eq!(&text[from..to], "https://");
}

#[wasm_bindgen_test]
fn line_formats_take_whole_lines_and_toggle_off() {
    // The cursor inside a line formats that line.
    let (text, ..) = apply("一\n二\n三", 4, 4, Format::Heading, "");
    assert_eq!(text, "一\n## 二\n三");
    // Again, wherever the cursor is in it, takes it off.
    let (text, ..) = apply(&text, 6, 6, Format::Heading, "");
    assert_eq!(text, "一\n二\n三");
    // A selection over lines lists each; one ending with its line break stops there.
    let (text, ..) = apply("甲\n乙\n丙", 0, 8, Format::List, "");
    assert_eq!(text, "- 甲\n- 乙\n丙");
    let (text, ..) = apply("甲\n乙", 0, 4, Format::Quote, "");
    assert_eq!(text, "> 甲\n乙");
}

#[wasm_bindgen_test]
fn an_image_goes_on_a_line_of_its_own() {
    let (text, at) = insert_image("血压计", 6, "电子[血压]计\n", "/p/img/a.jpg");
    assert_eq!(text, "血压\n![电子 血压 计](/p/img/a.jpg)\n计");
    assert_eq!(&text[at..], "计");
    // An offset inside a character (the text changed meanwhile) is moved back to one.
    let (text, _) = insert_image("血压", 4, "图", "/p/img/b.jpg");
    assert_eq!(text, "血\n![图](/p/img/b.jpg)\n压");
}

#[wasm_bindgen_test]
fn offsets_convert_both_ways() {
    let text = "a😀血压";
    assert_eq!(units_of(text, 0), 0);
    assert_eq!(units_of(text, 5), 3);
    assert_eq!(units_of(text, 8), 4);
    assert_eq!(units_of(text, 6), 3, "inside a character counts up to it");
    assert_eq!(byte_of(text, 3), 5);
    assert_eq!(byte_of(text, 4), 8);
    assert_eq!(byte_of(text, 99), text.len());
}
