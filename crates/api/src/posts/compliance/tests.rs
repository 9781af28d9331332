use super::*;

const BUILT_IN: &str = include_str!("../../../../server/data/compliance.txt");

fn rules() -> Rules {
    Rules::parse(BUILT_IN).expect("the shipped rules parse")
}

/// `(rule, text)` of what the body holds.
fn found(body: &str) -> Vec<(Rule, String)> {
    check(&rules(), "", body)
        .into_iter()
        .map(|f| (f.rule, f.text))
        .collect()
}

fn of(rule: Rule, body: &str) -> Vec<String> {
    found(body)
        .into_iter()
        .filter(|(r, _)| *r == rule)
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn the_shipped_rules_parse_with_the_agreed_severities() {
    let rules = rules();
    for (rule, severity) in [
        (Rule::Phone, Severity::Error),
        (Rule::IdNumber, Severity::Error),
        (Rule::CurePromise, Severity::Error),
        (Rule::NameWithDiagnosis, Severity::Warning),
        (Rule::Address, Severity::Warning),
        (Rule::Comparison, Severity::Warning),
        (Rule::PrescriptionDrug, Severity::Warning),
        (Rule::Brand, Severity::Warning),
    ] {
        assert_eq!(rules.severity_of(rule), Some(severity), "{rule:?}");
    }
    assert!(rules.surnames.len() > 100);
    assert!(rules.surnames.iter().any(|s| s == "欧阳"));
    for rule in Rule::ALL {
        assert_eq!(Rule::parse(rule.as_str()), Some(rule));
        let json = serde_json::to_string(&rule).unwrap();
        assert_eq!(
            json,
            format!("\"{}\"", rule.as_str()),
            "serde and as_str agree"
        );
    }
}

#[test]
fn parse_reads_sections_and_names_the_bad_line() {
    let rules = Rules::parse(
        "\u{feff}# comment\n\n[cure_promise error]\n 根治 \n治愈率\r\n[comparison warning]\n最好\n",
    )
    .unwrap();
    assert_eq!(
        rules.lists,
        vec![
            WordList {
                rule: Rule::CurePromise,
                severity: Severity::Error,
                words: vec!["根治".into(), "治愈率".into()],
            },
            WordList {
                rule: Rule::Comparison,
                severity: Severity::Warning,
                words: vec!["最好".into()],
            },
        ]
    );
    // Phone and ID numbers run without a section; the other rules are off.
    assert_eq!(rules.severity_of(Rule::Phone), Some(Severity::Error));
    assert_eq!(rules.severity_of(Rule::Brand), None);
    assert_eq!(rules.severity_of(Rule::Address), None);
    let relaxed = Rules::parse("[phone warning]\n").unwrap();
    assert_eq!(relaxed.severity_of(Rule::Phone), Some(Severity::Warning));

    for (text, error) in [
        ("[cure error]\n根治", "line 1: unknown rule `cure`"),
        (
            "# x\n[brand fatal]",
            "line 2: unknown severity `fatal` (error or warning)",
        ),
        (
            "\n根治\n[brand error]",
            "line 2: `根治` comes before any section",
        ),
        ("[brand error\n", "line 1: a section header ends with `]`"),
        (
            "[brand]\n",
            "line 1: expected `[rule error]`, `[rule warning]`, `[surnames]` or `[allow]`",
        ),
        (
            "[brand error]\nA\n[brand warning]\n",
            "line 3: a second section for `brand`",
        ),
        ("[phone error]\n110\n", "line 2: `phone` takes no words"),
        (
            "[surnames]\n张 王小明\n",
            "line 2: `王小明` is no surname (one or two Chinese characters)",
        ),
        (
            "[address warning]\n路\nN\n",
            "line 3: `N` needs a unit after it (N号)",
        ),
        (
            "\n[name_with_diagnosis warning]\n高血压\n",
            "line 2: name_with_diagnosis needs a [surnames] section",
        ),
    ] {
        assert_eq!(Rules::parse(text), Err(error.to_owned()), "{text}");
    }
}

#[test]
fn rules_survive_json() {
    let rules = rules();
    let json = serde_json::to_string(&rules).unwrap();
    assert_eq!(serde_json::from_str::<Rules>(&json).unwrap(), rules);
    // A client that knows only the lists still reads them.
    let lists: Rules = serde_json::from_str(r#"{"lists":[]}"#).unwrap();
    assert_eq!(lists, Rules::default());
}

#[test]
fn mobile_numbers_in_the_ways_people_write_them() {
    for (body, phone) in [
        ("电话13800138000。", "13800138000"),
        ("电话 138 0013 8000 联系", "138 0013 8000"),
        ("电话：138-0013-8000", "138-0013-8000"),
        ("+86 138 0013 8000", "+86 138 0013 8000"),
        ("+8613800138000", "+8613800138000"),
        ("拨打１３８００１３８０００", "１３８００１３８０００"),
        ("微信同号19912345678", "19912345678"),
    ] {
        assert_eq!(of(Rule::Phone, body), [phone], "{body}");
    }
}

#[test]
fn landlines() {
    for (body, phone) in [
        ("挂号电话010-12345678", "010-12345678"),
        ("0571-8888888（工作日）", "0571-8888888"),
        ("(010)12345678", "(010)12345678"),
        ("（0571） 88888888", "（0571） 88888888"),
        ("020 87654321", "020 87654321"),
    ] {
        assert_eq!(of(Rule::Phone, body), [phone], "{body}");
    }
}

#[test]
fn numbers_that_are_no_phone() {
    for body in [
        "订单号2024113012345678",
        "复诊日期2024-11-30",
        "2024年11月30日复诊",
        "编号13800138000123456",
        "138001380001",
        "12800138000",
        "时间09:30-11:30，0930-1130",
        "每日剂量1000-2000毫克",
        "![化验单](/p/img/13800138000.jpg)",
        "见[报告](https://example.com/r/13800138000)",
        "原文 https://example.com/a/010-12345678 可查",
    ] {
        assert_eq!(found(body), [], "{body}");
    }
    assert_eq!(
        of(Rule::Phone, "13800138000440524198001010013"),
        Vec::<String>::new()
    );
    assert_eq!(
        found("150102198506151234"),
        [(Rule::IdNumber, "150102198506151234".to_owned())],
        "an ID number starting 1[3-9] is no phone"
    );
    assert_eq!(found("150102198506151235"), [], "nor is a bad one");
}

#[test]
fn id_numbers_need_a_valid_check_digit() {
    assert_eq!(
        found("身份证号11010519491231002X，请核对"),
        [(Rule::IdNumber, "11010519491231002X".to_owned())]
    );
    assert_eq!(
        of(Rule::IdNumber, "440524198001010013"),
        ["440524198001010013"]
    );
    for body in [
        "110105194912310021",  // wrong check digit
        "440524198002300012",  // 30 February
        "4405241980010100131", // 19 digits
        "44052419800101001",   // 17 digits
        "1440524198001010013", // the valid number inside a longer run
        "[x](/p/img/440524198001010013.png)",
    ] {
        assert_eq!(found(body), [], "{body}");
    }
}

#[test]
fn words_longest_first_and_english_in_any_case() {
    assert_eq!(
        found("本方疗效最好，可以根治"),
        [
            (Rule::CurePromise, "疗效最好".to_owned()),
            (Rule::CurePromise, "根治".to_owned()),
        ]
    );
    assert_eq!(
        found("口服阿莫西林克拉维酸钾，或swisse、gnc鱼油"),
        [
            (Rule::PrescriptionDrug, "阿莫西林克拉维酸钾".to_owned()),
            (Rule::Brand, "swisse".to_owned()),
            (Rule::Brand, "gnc".to_owned()),
        ]
    );
    assert_eq!(found("GNCX and aGNC"), [], "English words match whole only");
    let findings = check(&rules(), "国内领先", "最好的医院");
    let keys: Vec<_> = findings.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys, ["comparison:国内领先", "comparison:最好"]);
}

#[test]
fn allowed_phrases_hide_the_word_inside() {
    assert_eq!(found("行乳腺癌改良根治术后第一次复查，最好不要熬夜"), []);
    assert_eq!(of(Rule::Comparison, "全国第一"), ["第一"]);
}

#[test]
fn names_near_a_diagnosis() {
    for (body, name) in [
        ("张先生患有高血压多年", "张先生"),
        ("王某，男，45岁，确诊肺癌", "王某"),
        ("患者张伟患有2型糖尿病", "张伟"),
        ("患者李明确诊乳腺癌", "李明"),
        ("张小明，男，60岁，冠心病史", "张小明"),
        ("欧阳女士的抑郁症好转", "欧阳女士"),
        ("糖尿病患者刘某某", "刘某某"),
        ("HIV感染者陈阿姨", "陈阿姨"),
    ] {
        assert_eq!(of(Rule::NameWithDiagnosis, body), [name], "{body}");
    }
}

#[test]
fn no_names_where_there_are_none() {
    for body in [
        "高血压患者应该低盐饮食",
        "许多患有糖尿病的人",
        "对于女士来说，乳腺癌筛查很重要",
        "由于某种原因，高血压加重",
        "于某些糖尿病患者",
        "患者高龄，合并糖尿病",
        "患者常常头晕，有高血压",
        "张先生来复诊。他的血压正常，血糖也好，去年体检时医生说需要注意的是糖尿病",
        "方法，男性高血压更常见",
        "许多女士患有乳腺癌",
        "张先生很好。高血压要控制",
    ] {
        assert_eq!(
            of(Rule::NameWithDiagnosis, body),
            Vec::<String>::new(),
            "{body}"
        );
    }
    assert_eq!(
        of(Rule::NameWithDiagnosis, "张先生来复诊"),
        Vec::<String>::new()
    );
}

#[test]
fn addresses_need_a_number() {
    for (body, address) in [
        ("家住文三路12号，", "文三路12号"),
        ("北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
        ("住在阳光小区3栋2单元501室", "阳光小区3栋2单元501室"),
        ("3号楼502室", "3号楼502室"),
        ("5栋2单元301", "5栋2单元301"),
        ("人民街5号院2单元301", "人民街5号院2单元301"),
        ("中山北路123弄4号", "中山北路123弄4号"),
    ] {
        assert_eq!(of(Rule::Address, body), [address], "{body}");
    }
    for body in [
        "沿中山路走",
        "12月3号复诊",
        "3号诊室",
        "门诊楼3楼",
        "住院部5楼3层",
        "在3号楼2层抽血，1楼5号窗口缴费",
        "2型糖尿病",
        "1号线地铁",
    ] {
        assert_eq!(of(Rule::Address, body), Vec::<String>::new(), "{body}");
    }
}

#[test]
fn findings_sort_title_first_and_point_at_bytes() {
    let title = "根治高血压";
    let body = "电话13800138000，效果最佳";
    let findings = check(&rules(), title, body);
    let order: Vec<_> = findings.iter().map(|f| (f.field, f.rule)).collect();
    assert_eq!(
        order,
        [
            (Field::Title, Rule::CurePromise),
            (Field::Body, Rule::Phone),
            (Field::Body, Rule::Comparison),
        ]
    );
    for f in &findings {
        let text = if f.field == Field::Title { title } else { body };
        assert_eq!(&text[f.start..f.end], f.text);
        assert_eq!(f.key, format!("{}:{}", f.rule.as_str(), f.text));
    }
    assert_eq!((findings[1].start, findings[1].end), (6, 17));
    assert_eq!(findings[1].severity, Severity::Error);
}

#[test]
fn blocking_is_errors_and_warnings_not_kept() {
    let findings = check(&rules(), "", "最好的方法，可以根治，全国第一");
    let kept = vec!["comparison:最好".to_owned(), "cure_promise:根治".to_owned()];
    let keys: Vec<_> = blocking(&findings, &kept)
        .into_iter()
        .map(|f| f.key.as_str())
        .collect();
    assert_eq!(keys, ["cure_promise:根治", "comparison:第一"]);
}

#[test]
fn a_long_body_takes_linear_time() {
    let paragraph = "患者张先生，男，45岁，确诊高血压，家住文三路12号3栋501室，电话138-0013-8000。\
                     最好的疗效，根治不复发，首选阿莫西林，汤臣倍健。![图](/p/img/2024113012345678.png)\n";
    let body = paragraph.repeat(20_000 / paragraph.chars().count() + 1);
    let findings = check(&rules(), "", &body);
    let per_paragraph = check(&rules(), "", paragraph).len();
    assert!(per_paragraph >= 8, "{per_paragraph}");
    assert_eq!(findings.len() % per_paragraph, 0);
    // Text with no findings but many prefixes and surnames costs no more.
    let noisy = "王李张刘陈最第首根治12号路".repeat(1500);
    let started = std::time::Instant::now();
    check(&rules(), "", &noisy);
    check(&rules(), "", &body);
    // Generous for a debug build on a busy machine; a release build takes a few ms.
    assert!(
        started.elapsed().as_millis() < 2_000,
        "{:?}",
        started.elapsed()
    );
}
