//! The XSS corpus: each payload, if it ever ran, would set `window.__xss` to its own id
//! (`P<n>`), so a page that runs one says which. Script tags, event handlers, `javascript:`
//! and `data:` URLs, SVG and MathML, mutation XSS, broken markup, Markdown links and raw
//! HTML (posts and agreements render Markdown), template syntax, encodings and RTL overrides.

/// Payload templates; `{}` is replaced by the statement that marks a run.
const TEMPLATES: &[&str] = &[
    // Script tags.
    "<script>{}</script>",
    "<SCRIPT>{}</SCRIPT>",
    "<script src=data:,{}></script>",
    "<script type=module>{}</script>",
    "<scr<script>ipt>{}</scr</script>ipt>",
    "</script><script>{}</script>",
    "<script\n>{}</script\n>",
    "<<script>{}//<</script>",
    // Event handlers.
    "<img src=x onerror=\"{}\">",
    "<img src=x onerror={}>",
    "<IMG SRC=x OnErRoR=\"{}\">",
    "<img/src=x/onerror=\"{}\">",
    "<img src=x:alert(1) onerror=\"{}\" alt=x>",
    "<svg onload=\"{}\">",
    "<svg/onload={}>",
    "<body onload=\"{}\">",
    "<input autofocus onfocus=\"{}\">",
    "<select autofocus onfocus=\"{}\"></select>",
    "<textarea autofocus onfocus=\"{}\"></textarea>",
    "<details open ontoggle=\"{}\">x</details>",
    "<video><source onerror=\"{}\"></video>",
    "<audio src=x onerror=\"{}\"></audio>",
    "<iframe onload=\"{}\"></iframe>",
    "<marquee onstart=\"{}\">x</marquee>",
    "<div onmouseover=\"{}\" style=\"position:fixed;inset:0\">x</div>",
    "<a onclick=\"{}\" href=#>tap</a>",
    "<button onfocus=\"{}\" autofocus>x</button>",
    "<form><button formaction=\"javascript:{}\">x</button></form>",
    "<object data=\"javascript:{}\"></object>",
    "<embed src=\"javascript:{}\">",
    "<image src=x onerror=\"{}\">",
    "<style onload=\"{}\"></style>",
    "<link rel=stylesheet href=x onerror=\"{}\">",
    "<x contenteditable onfocus=\"{}\" autofocus>x</x>",
    "<div style=\"animation-name:x\" onanimationstart=\"{}\">x</div>",
    "<body onpageshow=\"{}\">",
    // javascript:, vbscript: and data: URLs.
    "<a href=\"javascript:{}\">link</a>",
    "<a href=\"JaVaScRiPt:{}\">link</a>",
    "<a href=\"jav&#x09;ascript:{}\">link</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{}\">link</a>",
    "<a href=\" javascript:{}\">link</a>",
    "<a href=\"java\u{0}script:{}\">link</a>",
    "<a href=\"vbscript:msgbox(1)\">{}</a>",
    "<a href=\"data:text/html,<script>{}</script>\">link</a>",
    "<iframe src=\"javascript:{}\"></iframe>",
    "<iframe srcdoc=\"<script>{}</script>\"></iframe>",
    "<meta http-equiv=refresh content=\"0;url=javascript:{}\">",
    "<base href=\"javascript:{}//\">",
    "<form action=\"javascript:{}\"><input type=submit></form>",
    "<isindex action=\"javascript:{}\" type=image>",
    // SVG and MathML.
    "<svg><script>{}</script></svg>",
    "<svg><animate onbegin=\"{}\" attributeName=x dur=1s>",
    "<svg><a xlink:href=\"javascript:{}\"><text x=20 y=20>x</text></a></svg>",
    "<svg><set attributeName=onload to=\"{}\"/></svg>",
    "<svg><foreignObject><img src=x onerror=\"{}\"></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='x' onerror='{}'/></svg>#x\"/></svg>",
    "<math><maction actiontype=statusline xlink:href=\"javascript:{}\">x</maction></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"{}\">",
    // Mutation XSS and parser confusion.
    "<noscript><p title=\"</noscript><img src=x onerror={}>\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror={}>\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror={}>",
    "<!--<img src=\"--><img src=x onerror={}//\">",
    "<title><img src=x onerror=\"{}\"></title>",
    "<textarea></textarea><img src=x onerror=\"{}\">",
    "<xmp><img src=x onerror=\"{}\"></xmp>",
    "<template><img src=x onerror=\"{}\"></template>",
    "<![CDATA[<img src=x onerror=\"{}\">]]>",
    "<a href=\"x\" title=\"a&quot; onmouseover=&quot;{}\">x</a>",
    // Broken markup that escapes an attribute or element.
    "\"><img src=x onerror=\"{}\">",
    "'><svg onload=\"{}\">",
    "</textarea><img src=x onerror=\"{}\">",
    "</title><img src=x onerror=\"{}\">",
    "</style><img src=x onerror=\"{}\">",
    "\" autofocus onfocus=\"{}",
    "' autofocus onfocus='{}",
    "<img src=x onerror=\"{}\"",
    "<img src=\"x\" onerror=\"{}",
    "<div><img src=x onerror=\"{}\">",
    "</div></div></main><img src=x onerror=\"{}\">",
    "`><img src=x onerror=\"{}\">",
    // Markdown (posts, agreements).
    "[link](javascript:{})",
    "[link](JAVASCRIPT:{})",
    "[link](<javascript:{}>)",
    "[link](javascript&#58;{})",
    "![img](javascript:{})",
    "![img](x\" onerror=\"{})",
    "[link][r]\n\n[r]: javascript:{}",
    "<javascript:{}>",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) {}",
    "**<img src=x onerror=\"{}\">**",
    "> <img src=x onerror=\"{}\">",
    "`<img src=x onerror=\"{}\">`",
    "```\n</code><img src=x onerror=\"{}\">\n```",
    "<div markdown=1 onclick=\"{}\">x</div>",
    "[x](https://example.com \"a\" onmouseover=\"{}\")",
    // Template syntax and CSS.
    "{{constructor.constructor('{}')()}}",
    "${{}}",
    "#{{}}",
    "<div style=\"background:url(javascript:{})\">x</div>",
    "<div style=\"width:expression({})\">x</div>",
    "<style>@import 'javascript:{}';</style>",
    // Encodings, Unicode and RTL overrides.
    "&lt;img src=x onerror=\"{}\"&gt;",
    "&#60;img src=x onerror=\"{}\"&#62;",
    "%3Cimg%20src%3Dx%20onerror%3D%22{}%22%3E",
    "\\u003cimg src=x onerror=\"{}\"\\u003e",
    "＜img src=x onerror=\"{}\"＞",
    "\u{202E}<img src=x onerror=\"{}\">gpj.exe",
    "\u{202E}\u{2066}<svg onload=\"{}\">\u{2069}",
    "java\u{200B}script:{}",
    "<img src=x onerror\u{000C}=\"{}\">",
    "<img src=x\u{00A0}onerror=\"{}\">",
    "<a href=\"javascript\u{0009}:{}\">x</a>",
];

/// The statement a payload runs: sets `window.__xss` to its id (tried by the page check).
fn mark(id: usize) -> String {
    format!("window.__xss='P{id}'")
}

/// Every payload of the corpus, `P0` first.
pub fn all() -> Vec<String> {
    TEMPLATES
        .iter()
        .enumerate()
        .map(|(id, t)| t.replace("{}", &mark(id)))
        .collect()
}

/// Payloads that fit in `max_len` characters, in corpus order.
pub fn fitting(max_len: usize) -> Vec<String> {
    all()
        .into_iter()
        .filter(|p| p.chars().count() <= max_len)
        .collect()
}

#[test]
fn the_corpus_has_a_hundred_payloads_that_each_mark_their_run() {
    let all = all();
    assert!(all.len() >= 100, "{} payloads", all.len());
    for (id, p) in all.iter().enumerate() {
        assert!(p.contains(&mark(id)), "P{id}: {p}");
    }
}
