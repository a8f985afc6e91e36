//! What an appeal is: its type (the 12351 hotline's five) and its category,
//! with the category's required fields and time limits.
//!
//! The types are fixed by the hotline. The categories are data: the built-in
//! ones ([`Category`], [`builtin_categories`]) are the defaults, and a system
//! admin may add more, each a [`CategoryDef`] checked by
//! [`CategoryDef::validate`] and collected in a [`Catalogue`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::limits::TimeLimits;
use crate::Invalid;

/// The type of an appeal, as the 12351 union hotline sorts its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum AppealType {
    /// 咨询
    Consultation,
    /// 求助
    Help,
    /// 投诉
    Complaint,
    /// 法律援助
    LegalAid,
    /// 意见建议
    Suggestion,
}

impl AppealType {
    pub const ALL: [AppealType; 5] =
        [AppealType::Consultation, AppealType::Help, AppealType::Complaint, AppealType::LegalAid, AppealType::Suggestion];

    pub const fn as_str(self) -> &'static str {
        match self {
            AppealType::Consultation => "consultation",
            AppealType::Help => "help",
            AppealType::Complaint => "complaint",
            AppealType::LegalAid => "legal_aid",
            AppealType::Suggestion => "suggestion",
        }
    }
}

impl fmt::Display for AppealType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AppealType {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AppealType::ALL.into_iter().find(|t| t.as_str() == s).ok_or(Invalid::field("type", "unknown_appeal_type"))
    }
}

impl TryFrom<String> for AppealType {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<AppealType> for &'static str {
    fn from(value: AppealType) -> Self {
        value.as_str()
    }
}

/// The built-in categories. Admin-defined ones exist only as [`CategoryDef`]s
/// and are named by their [`CategoryCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Category {
    /// 欠薪
    WageArrears,
    /// 停车、拖车
    ParkingTowing,
    /// 交通处罚
    TrafficPenalty,
    /// 事故、工伤
    AccidentInjury,
    /// 平台规则与算法
    PlatformRules,
    /// 社会保险
    SocialInsurance,
    /// 困难帮扶
    Hardship,
    /// 其他
    Other,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::WageArrears,
        Category::ParkingTowing,
        Category::TrafficPenalty,
        Category::AccidentInjury,
        Category::PlatformRules,
        Category::SocialInsurance,
        Category::Hardship,
        Category::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Category::WageArrears => "wage_arrears",
            Category::ParkingTowing => "parking_towing",
            Category::TrafficPenalty => "traffic_penalty",
            Category::AccidentInjury => "accident_injury",
            Category::PlatformRules => "platform_rules",
            Category::SocialInsurance => "social_insurance",
            Category::Hardship => "hardship",
            Category::Other => "other",
        }
    }

    /// The green channel by default (12351 key groups): unpaid wages and injury.
    pub const fn green_channel(self) -> bool {
        matches!(self, Category::WageArrears | Category::AccidentInjury)
    }

    /// The fields a worker must give for this category by default.
    pub fn required_fields(self) -> Vec<FieldSpec> {
        let text = |name: &str, max_chars: u32| FieldSpec::new(name, FieldKind::Text { max_chars });
        let of = |name: &str, kind: FieldKind| FieldSpec::new(name, kind);
        match self {
            Category::WageArrears => {
                vec![text("employer_or_platform", 100), of("amount_yuan", FieldKind::AmountYuan), of("period", FieldKind::Period)]
            }
            Category::ParkingTowing => vec![of("date", FieldKind::Date), text("place", 200)],
            Category::TrafficPenalty => vec![of("date", FieldKind::Date), text("place", 200)],
            Category::AccidentInjury => vec![of("date", FieldKind::Date), text("place", 200)],
            Category::PlatformRules => vec![text("platform", 100)],
            Category::SocialInsurance => vec![text("employer_or_platform", 100)],
            Category::Hardship | Category::Other => Vec::new(),
        }
    }

    /// The category's built-in definition.
    pub fn definition(self) -> CategoryDef {
        CategoryDef {
            code: CategoryCode(self.as_str().to_owned()),
            green_channel: self.green_channel(),
            required: self.required_fields(),
            limits: if self.green_channel() { TimeLimits::green_channel() } else { TimeLimits::default() },
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL.into_iter().find(|c| c.as_str() == s).ok_or(Invalid::field("category", "unknown_category"))
    }
}

impl TryFrom<String> for Category {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Category> for &'static str {
    fn from(value: Category) -> Self {
        value.as_str()
    }
}

/// Whether `name` is a snake_case identifier: a lowercase ASCII letter, then
/// lowercase letters, digits and single underscores, 2 to 32 characters, not
/// ending in an underscore.
fn is_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    (2..=32).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// The stable code of a category, built-in or admin-defined: a snake_case
/// identifier (`wage_arrears`), used in URLs, the API and Open311 service codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryCode(String);

impl CategoryCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        if is_identifier(input) {
            Ok(Self(input.to_owned()))
        } else {
            Err(Invalid::field("code", "invalid_category_code"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The built-in category of this code, if it is one.
    pub fn builtin(&self) -> Option<Category> {
        self.0.parse().ok()
    }
}

impl From<Category> for CategoryCode {
    fn from(value: Category) -> Self {
        Self(value.as_str().to_owned())
    }
}

impl fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CategoryCode {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CategoryCode> for String {
    fn from(value: CategoryCode) -> Self {
        value.0
    }
}

/// What a category's field holds, and so how a submitted value is checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text of at most `max_chars` characters (1 to [`FieldKind::MAX_TEXT`]).
    Text { max_chars: u32 },
    /// An amount of money in yuan: digits with at most two decimals, more than
    /// zero, at most [`FieldKind::MAX_YUAN`] (`12800`, `3500.50`).
    AmountYuan,
    /// A month or a range of months: `2025-07` or `2025-05..2025-07`, not after today's month.
    Period,
    /// A day, `2025-07-14`, not after today.
    Date,
    /// A whole number from 1 to 100 000 (e.g. how many workers are concerned).
    Count,
    /// One of the listed values.
    Choice { options: Vec<String> },
}

impl FieldKind {
    pub const MAX_TEXT: u32 = 2000;
    pub const MAX_YUAN: u64 = 100_000_000;
    pub const MAX_COUNT: u64 = 100_000;
}

/// One field a category asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSpec {
    /// A snake_case identifier, the key of the submitted value.
    pub name: String,
    #[serde(flatten)]
    pub kind: FieldKind,
}

impl FieldSpec {
    pub fn new(name: &str, kind: FieldKind) -> Self {
        Self { name: name.to_owned(), kind }
    }

    /// Checks one submitted value against the field, returning it trimmed (an
    /// amount also normalised, `0012.5` → `12.50`).
    pub fn check(&self, value: &str, today: NaiveDate) -> Result<String, &'static str> {
        let value = value.trim();
        if value.is_empty() {
            return Err("missing_field");
        }
        match &self.kind {
            FieldKind::Text { max_chars } => {
                if value.chars().count() > *max_chars as usize {
                    Err("text_too_long")
                } else if value.chars().any(|c| c.is_control() && c != '\n') {
                    Err("invalid_value")
                } else {
                    Ok(value.to_owned())
                }
            }
            FieldKind::AmountYuan => parse_fen(value)
                .filter(|fen| (1..=FieldKind::MAX_YUAN * 100).contains(fen))
                .map(|fen| format!("{}.{:02}", fen / 100, fen % 100))
                .ok_or("invalid_amount"),
            FieldKind::Period => {
                let month = |text: &str| NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok().filter(|_| text.len() == 7);
                let (from, to) = match value.split_once("..") {
                    Some((from, to)) => (month(from), month(to)),
                    None => (month(value), month(value)),
                };
                match (from, to) {
                    (Some(from), Some(to)) if from <= to && to <= today => Ok(value.to_owned()),
                    _ => Err("invalid_period"),
                }
            }
            FieldKind::Date => match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(day) if value.len() == 10 && day <= today => Ok(value.to_owned()),
                _ => Err("invalid_date"),
            },
            FieldKind::Count => match value.parse::<u64>() {
                Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) && (1..=FieldKind::MAX_COUNT).contains(&n) => {
                    Ok(n.to_string())
                }
                _ => Err("invalid_count"),
            },
            FieldKind::Choice { options } => {
                options.iter().find(|option| option.as_str() == value).cloned().ok_or("invalid_choice")
            }
        }
    }
}

/// `12`, `12.5`, `12.50` → fen (hundredths of a yuan); anything else → None.
fn parse_fen(value: &str) -> Option<u64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return None;
    }
    if value.contains('.') && fraction.is_empty() {
        return None;
    }
    let yuan: u64 = whole.parse().ok()?;
    let fen: u64 = format!("{fraction:0<2}").parse().ok()?;
    yuan.checked_mul(100)?.checked_add(fen)
}

/// What is wrong with one submitted field: its name and a stable code
/// (`missing_field`, `invalid_amount`, `invalid_period`, `invalid_date`,
/// `invalid_count`, `invalid_choice`, `text_too_long`, `invalid_value`,
/// `unknown_field`). The name is the category's, so it is owned, unlike
/// [`Invalid`]'s static field; the code is the translation key `error.<code>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: &'static str,
}

/// A category as data: its code, whether it takes the green channel, the
/// fields a worker must give, and its time limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryDef {
    pub code: CategoryCode,
    pub green_channel: bool,
    pub required: Vec<FieldSpec>,
    pub limits: TimeLimits,
}

impl CategoryDef {
    /// The most fields a category may ask for: filing takes a minute on a phone.
    pub const MAX_FIELDS: usize = 12;

    /// Checks a definition an admin entered (the code is checked by its type):
    /// field names are identifiers and unique, at most [`Self::MAX_FIELDS`],
    /// text lengths and choices sensible, the limits valid.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.required.len() > Self::MAX_FIELDS {
            return Err(Invalid::field("required", "too_many_fields"));
        }
        let mut names = BTreeSet::new();
        for spec in &self.required {
            if !is_identifier(&spec.name) {
                return Err(Invalid::field("required", "invalid_field_name"));
            }
            if !names.insert(spec.name.as_str()) {
                return Err(Invalid::field("required", "duplicate_field"));
            }
            match &spec.kind {
                FieldKind::Text { max_chars } if !(1..=FieldKind::MAX_TEXT).contains(max_chars) => {
                    return Err(Invalid::field("required", "invalid_text_limit"));
                }
                FieldKind::Choice { options } => {
                    let distinct: BTreeSet<&str> = options.iter().map(|o| o.trim()).collect();
                    let sane = |o: &String| !o.trim().is_empty() && o.trim() == o && o.chars().count() <= 60;
                    if options.is_empty() || distinct.len() != options.len() || !options.iter().all(sane) {
                        return Err(Invalid::field("required", "invalid_choices"));
                    }
                }
                _ => {}
            }
        }
        self.limits.validate()
    }

    /// Checks what a worker submitted: every required field present and valid,
    /// and no field the category does not know. Returns the checked values
    /// (trimmed, amounts normalised), or every problem at once, in the order of
    /// the definition then of the unknown keys.
    pub fn check_fields(
        &self,
        submitted: &BTreeMap<String, String>,
        today: NaiveDate,
    ) -> Result<BTreeMap<String, String>, Vec<FieldProblem>> {
        let mut checked = BTreeMap::new();
        let mut problems = Vec::new();
        for spec in &self.required {
            let value = submitted.get(&spec.name).map_or("", String::as_str);
            match spec.check(value, today) {
                Ok(value) => {
                    checked.insert(spec.name.clone(), value);
                }
                Err(code) => problems.push(FieldProblem { field: spec.name.clone(), code }),
            }
        }
        for key in submitted.keys() {
            if !self.required.iter().any(|spec| &spec.name == key) {
                problems.push(FieldProblem { field: key.clone(), code: "unknown_field" });
            }
        }
        if problems.is_empty() {
            Ok(checked)
        } else {
            Err(problems)
        }
    }
}

/// The built-in categories' definitions, in [`Category::ALL`] order.
pub fn builtin_categories() -> Vec<CategoryDef> {
    Category::ALL.into_iter().map(Category::definition).collect()
}

/// The categories in use: the built-in ones, changed or added to by a system admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    defs: BTreeMap<CategoryCode, CategoryDef>,
}

impl Default for Catalogue {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Catalogue {
    pub fn builtin() -> Self {
        Self { defs: builtin_categories().into_iter().map(|def| (def.code.clone(), def)).collect() }
    }

    /// Adds a category or replaces the one of the same code; on error the
    /// catalogue is unchanged.
    pub fn put(&mut self, def: CategoryDef) -> Result<(), Invalid> {
        def.validate()?;
        self.defs.insert(def.code.clone(), def);
        Ok(())
    }

    /// The category of `code`, or `unknown_category`.
    pub fn get(&self, code: &str) -> Result<&CategoryDef, Invalid> {
        self.defs.iter().find(|(key, _)| key.as_str() == code).map(|(_, def)| def).ok_or(Invalid::field("category", "unknown_category"))
    }

    /// Every category, by code.
    pub fn all(&self) -> impl Iterator<Item = &CategoryDef> {
        self.defs.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 9, 30).unwrap()
    }

    fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn types_and_categories_have_stable_names() {
        let names: Vec<&str> = AppealType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(names, ["consultation", "help", "complaint", "legal_aid", "suggestion"]);
        for t in AppealType::ALL {
            assert_eq!(t.as_str().parse(), Ok(t));
            assert_eq!(t.to_string(), t.as_str());
        }
        for c in Category::ALL {
            assert_eq!(c.as_str().parse(), Ok(c));
            assert_eq!(CategoryCode::from(c).builtin(), Some(c));
        }
        assert_eq!("Complaint".parse::<AppealType>(), Err(Invalid::field("type", "unknown_appeal_type")));
        assert_eq!("wages".parse::<Category>(), Err(Invalid::field("category", "unknown_category")));
    }

    #[test]
    fn types_and_categories_serialise_as_their_names() {
        assert_eq!(serde_json::to_string(&AppealType::LegalAid).unwrap(), "\"legal_aid\"");
        assert_eq!(serde_json::from_str::<Category>("\"parking_towing\"").unwrap(), Category::ParkingTowing);
        assert!(serde_json::from_str::<Category>("\"parking\"").is_err());
        assert!(serde_json::from_str::<AppealType>("\"hotline\"").is_err());
    }

    #[test]
    fn wage_arrears_and_injury_take_the_green_channel() {
        let green: Vec<Category> = Category::ALL.into_iter().filter(|c| c.green_channel()).collect();
        assert_eq!(green, [Category::WageArrears, Category::AccidentInjury]);
        assert_eq!(Category::WageArrears.definition().limits, TimeLimits::green_channel());
        assert_eq!(Category::Hardship.definition().limits, TimeLimits::default());
    }

    #[test]
    fn every_builtin_definition_is_valid() {
        for def in builtin_categories() {
            assert_eq!(def.validate(), Ok(()), "{}", def.code);
        }
        assert_eq!(Catalogue::builtin().all().count(), 8);
    }

    #[test]
    fn a_complete_wage_arrears_appeal_passes_normalised() {
        let def = Category::WageArrears.definition();
        let submitted = fields(&[("employer_or_platform", " 某配送站 "), ("amount_yuan", "12800"), ("period", "2025-05..2025-07")]);
        let checked = def.check_fields(&submitted, today()).unwrap();
        assert_eq!(checked["employer_or_platform"], "某配送站");
        assert_eq!(checked["amount_yuan"], "12800.00");
        assert_eq!(checked["period"], "2025-05..2025-07");
    }

    #[test]
    fn every_missing_and_invalid_field_is_reported_at_once() {
        let def = Category::WageArrears.definition();
        let submitted = fields(&[("amount_yuan", "12,800"), ("period", "2025-07..2025-05"), ("colour", "red")]);
        let problems = def.check_fields(&submitted, today()).unwrap_err();
        let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.code)).collect();
        assert_eq!(
            got,
            [
                ("employer_or_platform", "missing_field"),
                ("amount_yuan", "invalid_amount"),
                ("period", "invalid_period"),
                ("colour", "unknown_field")
            ]
        );
    }

    #[test]
    fn values_are_checked_by_kind() {
        let t = today();
        let amount = FieldSpec::new("amount_yuan", FieldKind::AmountYuan);
        assert_eq!(amount.check("3500.5", t), Ok("3500.50".into()));
        assert_eq!(amount.check("0012.05", t), Ok("12.05".into()));
        for bad in ["0", "0.00", "-5", "1.234", "1.", ".5", "1e3", "100000000.01", "十元"] {
            assert_eq!(amount.check(bad, t), Err("invalid_amount"), "{bad}");
        }
        assert_eq!(amount.check("100000000", t), Ok("100000000.00".into()));
        assert_eq!(amount.check("  ", t), Err("missing_field"));

        let period = FieldSpec::new("period", FieldKind::Period);
        assert_eq!(period.check("2025-09", t), Ok("2025-09".into()));
        for bad in ["2025-10", "2025-13", "2025-9", "2025-05..", "2025/05", "2025-05..2025-10"] {
            assert_eq!(period.check(bad, t), Err("invalid_period"), "{bad}");
        }

        let date = FieldSpec::new("date", FieldKind::Date);
        assert_eq!(date.check("2025-09-30", t), Ok("2025-09-30".into()));
        for bad in ["2025-10-01", "2025-02-30", "2025-9-1", "yesterday"] {
            assert_eq!(date.check(bad, t), Err("invalid_date"), "{bad}");
        }

        let count = FieldSpec::new("workers", FieldKind::Count);
        assert_eq!(count.check("7", t), Ok("7".into()));
        for bad in ["0", "+7", "7.0", "100001"] {
            assert_eq!(count.check(bad, t), Err("invalid_count"), "{bad}");
        }

        let text = FieldSpec::new("place", FieldKind::Text { max_chars: 4 });
        assert_eq!(text.check("江门市区", t), Ok("江门市区".into()));
        assert_eq!(text.check("江门市蓬江", t), Err("text_too_long"));
        assert_eq!(text.check("a\u{7}", t), Err("invalid_value"));

        let choice = FieldSpec::new("platform", FieldKind::Choice { options: vec!["meituan".into(), "eleme".into()] });
        assert_eq!(choice.check(" eleme ", t), Ok("eleme".into()));
        assert_eq!(choice.check("other", t), Err("invalid_choice"));
    }

    fn custom() -> CategoryDef {
        CategoryDef {
            code: CategoryCode::parse("ebike_battery").unwrap(),
            green_channel: false,
            required: vec![
                FieldSpec::new("battery_brand", FieldKind::Text { max_chars: 40 }),
                FieldSpec::new("workers", FieldKind::Count),
            ],
            limits: TimeLimits::default(),
        }
    }

    #[test]
    fn an_admin_adds_a_category() {
        let mut catalogue = Catalogue::builtin();
        catalogue.put(custom()).unwrap();
        assert_eq!(catalogue.get("ebike_battery").unwrap(), &custom());
        assert_eq!(catalogue.get("ebike_battery").unwrap().code.builtin(), None);
        assert_eq!(catalogue.get("wage_arrears").unwrap().code.builtin(), Some(Category::WageArrears));
        assert_eq!(catalogue.get("ebike").unwrap_err().code, "unknown_category");
        // Replacing a built-in one changes its rules.
        let mut wages = Category::WageArrears.definition();
        wages.required.pop();
        catalogue.put(wages.clone()).unwrap();
        assert_eq!(catalogue.get("wage_arrears").unwrap(), &wages);
    }

    #[test]
    fn a_bad_definition_is_refused_and_changes_nothing() {
        for code in ["Wage", "a", "1st", "wage-arrears", "wage__arrears", "wage_", "", &"x".repeat(33)] {
            assert_eq!(CategoryCode::parse(code).unwrap_err().code, "invalid_category_code", "{code}");
        }
        assert!(serde_json::from_str::<CategoryCode>("\"Bad Code\"").is_err());

        let refuse = |def: CategoryDef| {
            let mut catalogue = Catalogue::builtin();
            let code = catalogue.put(def).unwrap_err().code;
            assert_eq!(catalogue, Catalogue::builtin());
            code
        };
        let mut def = custom();
        def.required.push(FieldSpec::new("workers", FieldKind::Date));
        assert_eq!(refuse(def), "duplicate_field");
        let mut def = custom();
        def.required[0].name = "Battery brand".into();
        assert_eq!(refuse(def), "invalid_field_name");
        let mut def = custom();
        def.required[0].kind = FieldKind::Text { max_chars: 0 };
        assert_eq!(refuse(def), "invalid_text_limit");
        let mut def = custom();
        def.required[0].kind = FieldKind::Choice { options: vec!["a".into(), "a".into()] };
        assert_eq!(refuse(def), "invalid_choices");
        let mut def = custom();
        def.required[0].kind = FieldKind::Choice { options: vec![] };
        assert_eq!(refuse(def), "invalid_choices");
        let mut def = custom();
        def.required = (0..13).map(|i| FieldSpec::new(&format!("f{i}"), FieldKind::Count)).collect();
        assert_eq!(refuse(def), "too_many_fields");
        let mut def = custom();
        def.limits.accept.days = 0;
        assert_eq!(refuse(def), "invalid_time_limit");
    }

    #[test]
    fn a_definition_round_trips_through_json() {
        let json = serde_json::to_value(Category::WageArrears.definition()).unwrap();
        assert_eq!(json["code"], "wage_arrears");
        assert_eq!(json["required"][0], serde_json::json!({"name": "employer_or_platform", "kind": "text", "max_chars": 100}));
        assert_eq!(json["required"][1], serde_json::json!({"name": "amount_yuan", "kind": "amount_yuan"}));
        let back: CategoryDef = serde_json::from_value(json).unwrap();
        assert_eq!(back, Category::WageArrears.definition());
    }

    proptest! {
        #[test]
        fn amounts_round_trip_in_fen(fen in 1u64..=10_000_000_000) {
            let spec = FieldSpec::new("amount_yuan", FieldKind::AmountYuan);
            let text = format!("{}.{:02}", fen / 100, fen % 100);
            prop_assert_eq!(spec.check(&text, today()), Ok(text.clone()));
            prop_assert_eq!(parse_fen(&text), Some(fen));
        }

        #[test]
        fn the_checker_reports_each_required_field_missing_from_any_subset(mask in 0u8..8) {
            let def = Category::WageArrears.definition();
            let all = [("employer_or_platform", "站点"), ("amount_yuan", "100"), ("period", "2025-01")];
            let submitted: BTreeMap<String, String> = all.iter().enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, (k, v))| (k.to_string(), v.to_string()))
                .collect();
            match def.check_fields(&submitted, today()) {
                Ok(checked) => prop_assert_eq!(checked.len(), 3),
                Err(problems) => {
                    prop_assert_eq!(problems.len(), 3 - submitted.len());
                    prop_assert!(problems.iter().all(|p| p.code == "missing_field" && !submitted.contains_key(&p.field)));
                }
            }
        }

        #[test]
        fn accepted_codes_are_identifiers(code in "[a-z_0-9]{0,34}") {
            if let Ok(parsed) = CategoryCode::parse(&code) {
                prop_assert!(parsed.as_str().len() >= 2 && parsed.as_str().as_bytes()[0].is_ascii_lowercase());
                prop_assert_eq!(CategoryCode::parse(parsed.as_str()), Ok(parsed.clone()));
            }
        }
    }
}
