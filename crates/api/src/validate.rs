//! Field rules shared by the SPA (checked before sending) and the server (checked again,
//! because clients cannot be trusted).

use crate::Lang;

/// Why one field was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldError {
    Required,
    PhoneInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordNeedsLetterAndDigit,
    SmsCodeInvalid,
    TooLong,
    IdNumberInvalid,
    TooFewYears,
    OutOfRange,
    AlreadyExpired,
    ReasonRequired,
    NumberInvalid,
    ConsentRequired,
    VersionInvalid,
    VersionNotNewer,
    /// A new password equal to the current one.
    SameAsCurrent,
    /// A new phone number equal to the current one.
    SamePhone,
    /// Free text too short to say anything (an appeal's reason).
    TooShort,
}

impl FieldError {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            FieldError::Required => lang.pick("此项必填", "Required"),
            FieldError::PhoneInvalid => lang.pick(
                "请输入 11 位中国大陆手机号",
                "Enter an 11-digit mainland China mobile number",
            ),
            FieldError::PasswordTooShort => lang.pick("密码至少 8 位", "Use at least 8 characters"),
            FieldError::PasswordTooLong => {
                lang.pick("密码最多 128 位", "Use at most 128 characters")
            }
            FieldError::PasswordNeedsLetterAndDigit => {
                lang.pick("密码需同时包含字母和数字", "Use both letters and digits")
            }
            FieldError::SmsCodeInvalid => {
                lang.pick("请输入 6 位数字验证码", "Enter the 6-digit code")
            }
            FieldError::TooLong => lang.pick("内容过长", "Too long"),
            FieldError::IdNumberInvalid => lang.pick(
                "身份证号码不正确，请检查后重新输入",
                "This ID number is not valid; check it and try again",
            ),
            FieldError::TooFewYears => lang.pick(
                "互联网诊疗需独立执业满 3 年",
                "Online practice needs at least 3 years of independent practice",
            ),
            FieldError::OutOfRange => lang.pick("数值超出范围", "Out of range"),
            FieldError::AlreadyExpired => {
                lang.pick("该证件已过期，请上传有效证件", "This document has expired")
            }
            FieldError::ReasonRequired => {
                lang.pick("请选择或填写驳回原因", "Give a reason for each rejection")
            }
            FieldError::NumberInvalid => {
                lang.pick("证书编号只能包含字母和数字", "Use letters and digits only")
            }
            FieldError::ConsentRequired => lang.pick(
                "处理患者健康信息需要您单独同意",
                "Processing patients' health information needs your separate consent",
            ),
            FieldError::VersionInvalid => lang.pick(
                "版本号格式为 主版本.次版本.修订号，如 1.2.0",
                "Use a version like 1.2.0 (major.minor.patch)",
            ),
            FieldError::VersionNotNewer => lang.pick(
                "版本号必须高于当前版本",
                "The version must be higher than the current one",
            ),
            FieldError::SameAsCurrent => lang.pick(
                "新密码不能与当前密码相同",
                "Choose a password other than the current one",
            ),
            FieldError::SamePhone => lang.pick(
                "这就是当前绑定的手机号",
                "This is already your mobile number",
            ),
            FieldError::TooShort => lang.pick(
                "请写得具体一些（至少 10 个字）",
                "Please say more (at least 10 characters)",
            ),
        }
    }
}

/// The errors of one form: `(json field name, error)` in field order.
pub type FieldErrors = Vec<(&'static str, FieldError)>;

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
pub const SMS_CODE_LEN: usize = 6;

/// Mainland China mobile number: 11 digits, `1` then `3`–`9`.
/// Spaces and dashes people type for readability are not accepted here: the SPA strips
/// them before sending (see [`normalize_phone`]).
pub fn phone(value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    let bytes = value.as_bytes();
    let ok = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    if ok {
        Ok(())
    } else {
        Err(FieldError::PhoneInvalid)
    }
}

/// Removes the separators people type (`138 0013 8000`, `138-0013-8000`) and a `+86`
/// country prefix.
pub fn normalize_phone(value: &str) -> String {
    let digits: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    digits
        .strip_prefix("+86")
        .map(str::to_owned)
        .unwrap_or(digits)
}

/// At least 8 and at most 128 characters, with at least one letter and one digit.
pub fn password(value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    let len = value.chars().count();
    if len < PASSWORD_MIN {
        return Err(FieldError::PasswordTooShort);
    }
    if len > PASSWORD_MAX {
        return Err(FieldError::PasswordTooLong);
    }
    let letter = value.chars().any(|c| c.is_alphabetic());
    let digit = value.chars().any(|c| c.is_ascii_digit());
    if letter && digit {
        Ok(())
    } else {
        Err(FieldError::PasswordNeedsLetterAndDigit)
    }
}

/// Exactly six ASCII digits.
pub fn sms_code(value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    if value.len() == SMS_CODE_LEN && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(FieldError::SmsCodeInvalid)
    }
}

/// Required free text of at most `max` characters.
pub fn text(value: &str, max: usize) -> Result<(), FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::Required);
    }
    optional_text(value, max)
}

/// Optional free text of at most `max` characters.
pub fn optional_text(value: &str, max: usize) -> Result<(), FieldError> {
    if value.chars().count() > max {
        Err(FieldError::TooLong)
    } else {
        Ok(())
    }
}

/// A person's legal name: 2–30 characters (Chinese names, or names with a middle dot).
pub fn person_name(value: &str) -> Result<(), FieldError> {
    text(value, 30)
}

/// Resident identity card number (GB 11643-1999): 17 digits, then a check character
/// (digit or `X`) computed from them; the birth date inside must be a real date.
pub fn id_number(value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    let bytes = value.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return Err(FieldError::IdNumberInvalid);
    }
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let expected = CHECK[(sum % 11) as usize];
    if bytes[17].to_ascii_uppercase() != expected {
        return Err(FieldError::IdNumberInvalid);
    }
    let digits = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (digits(6..10), digits(10..12), digits(12..14));
    let real_date = chrono::NaiveDate::from_ymd_opt(year as i32, month, day).is_some();
    if !real_date || !(1900..=2100).contains(&year) {
        return Err(FieldError::IdNumberInvalid);
    }
    Ok(())
}

/// Masks an ID number for display: `3301**********1234`.
pub fn mask_id_number(id: &str) -> String {
    if id.len() == 18 && id.is_ascii() {
        format!("{}{}{}", &id[..4], "*".repeat(10), &id[14..])
    } else {
        "*".repeat(18)
    }
}

/// A certificate number: 4–40 letters and digits.
pub fn certificate_number(value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    let ok = (4..=40).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(FieldError::NumberInvalid)
    }
}

/// Masks a phone number for display: `13800138000` → `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    if phone.len() == 11 && phone.is_ascii() {
        format!("{}****{}", &phone[..3], &phone[7..])
    } else {
        "****".to_owned()
    }
}

/// Collects the result of one rule into a form's error list.
pub fn check(errors: &mut FieldErrors, field: &'static str, result: Result<(), FieldError>) {
    if let Err(e) = result {
        errors.push((field, e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_mainland_mobiles() {
        for p in ["13800138000", "19912345678", "15000000000", "17612345678"] {
            assert_eq!(phone(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn phone_refuses_everything_else() {
        assert_eq!(phone(""), Err(FieldError::Required));
        for p in [
            "1380013800",   // 10 digits
            "138001380001", // 12 digits
            "12800138000",  // second digit 2
            "10800138000",  // second digit 0
            "23800138000",  // not starting with 1
            "1380013800a",
            "138 0013 800",
            "+8613800138000",
            "１３８００１３８０００", // full-width digits
        ] {
            assert_eq!(phone(p), Err(FieldError::PhoneInvalid), "{p}");
        }
    }

    #[test]
    fn normalize_strips_separators_and_country_code() {
        assert_eq!(normalize_phone(" 138 0013 8000 "), "13800138000");
        assert_eq!(normalize_phone("138-0013-8000"), "13800138000");
        assert_eq!(normalize_phone("+86 138 0013 8000"), "13800138000");
        assert_eq!(normalize_phone("13800138000"), "13800138000");
    }

    #[test]
    fn password_rules() {
        assert_eq!(password(""), Err(FieldError::Required));
        assert_eq!(password("abc1234"), Err(FieldError::PasswordTooShort));
        assert_eq!(password("abcd1234"), Ok(()));
        assert_eq!(
            password("abcdefgh"),
            Err(FieldError::PasswordNeedsLetterAndDigit)
        );
        assert_eq!(
            password("12345678"),
            Err(FieldError::PasswordNeedsLetterAndDigit)
        );
        assert_eq!(password("密码密码密码1234"), Ok(()));
        // Length counts characters, not bytes: 7 Chinese characters + 1 digit is 8.
        assert_eq!(password("医生医生医生医1"), Ok(()));
        assert_eq!(password("医生医生医生1"), Err(FieldError::PasswordTooShort));
        let long = format!("a1{}", "x".repeat(126));
        assert_eq!(password(&long), Ok(()));
        let too_long = format!("a1{}", "x".repeat(127));
        assert_eq!(password(&too_long), Err(FieldError::PasswordTooLong));
    }

    #[test]
    fn sms_code_rules() {
        assert_eq!(sms_code(""), Err(FieldError::Required));
        assert_eq!(sms_code("123456"), Ok(()));
        assert_eq!(sms_code("000000"), Ok(()));
        assert_eq!(sms_code("12345"), Err(FieldError::SmsCodeInvalid));
        assert_eq!(sms_code("1234567"), Err(FieldError::SmsCodeInvalid));
        assert_eq!(sms_code("12345a"), Err(FieldError::SmsCodeInvalid));
        assert_eq!(sms_code("１２３４５６"), Err(FieldError::SmsCodeInvalid));
    }

    #[test]
    fn id_numbers_follow_gb_11643() {
        // Check characters computed by hand from the weights and the mod-11 table.
        assert_eq!(id_number("11010519491231002X"), Ok(()));
        assert_eq!(
            id_number("11010519491231002x"),
            Ok(()),
            "lower-case x is accepted"
        );
        assert_eq!(id_number("440524198001010013"), Ok(()));
        assert_eq!(
            id_number("110105194912310021"),
            Err(FieldError::IdNumberInvalid),
            "wrong check digit"
        );
        assert_eq!(
            id_number("440524198002300012"),
            Err(FieldError::IdNumberInvalid),
            "Feb 30"
        );
        assert_eq!(
            id_number("11010519491231002"),
            Err(FieldError::IdNumberInvalid),
            "17 chars"
        );
        assert_eq!(
            id_number("1101051949123100XX"),
            Err(FieldError::IdNumberInvalid)
        );
        assert_eq!(id_number(""), Err(FieldError::Required));
        assert_eq!(mask_id_number("11010519491231002X"), "1101**********002X");
    }

    #[test]
    fn certificate_numbers() {
        assert_eq!(certificate_number("110330100000123"), Ok(()));
        assert_eq!(certificate_number("A1B2"), Ok(()));
        assert_eq!(certificate_number("12 34"), Err(FieldError::NumberInvalid));
        assert_eq!(certificate_number("123"), Err(FieldError::NumberInvalid));
        assert_eq!(certificate_number(""), Err(FieldError::Required));
    }

    #[test]
    fn masks_phone() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("123"), "****");
    }

    #[test]
    fn every_error_has_both_languages() {
        use FieldError::*;
        for e in [
            Required,
            PhoneInvalid,
            PasswordTooShort,
            PasswordTooLong,
            PasswordNeedsLetterAndDigit,
            SmsCodeInvalid,
            TooLong,
            IdNumberInvalid,
            TooFewYears,
            OutOfRange,
            AlreadyExpired,
            ReasonRequired,
            NumberInvalid,
        ] {
            assert!(!e.message(Lang::Zh).is_empty());
            assert!(!e.message(Lang::En).is_empty());
            assert_ne!(e.message(Lang::Zh), e.message(Lang::En));
        }
    }
}
