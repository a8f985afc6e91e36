//! A station as an editor sets it, every field checked: [`StationDraft`], and
//! the checks of its free texts. The forms, the API and imports build a draft
//! through these checks, so one set of rules holds for all of them; storage
//! writes a draft as it is.

use super::amenity::Amenities;
use crate::kit::geo::LatLng;
use super::hours::OpeningHours;
use super::kind::{SixHaves, StationKind};
use crate::foundation::organisations::OrgId;
use crate::foundation::people::PhoneNumber;
use crate::Invalid;

/// Everything an editor sets on a station. The texts come from the `check_*`
/// functions below; the other fields are checked by their own types.
#[derive(Debug, Clone)]
pub struct StationDraft {
    pub name: String,
    pub kind: StationKind,
    /// The owning organisation (its existence is checked when it is written).
    pub org_id: OrgId,
    /// Co-building organisations.
    pub partner_org_ids: Vec<OrgId>,
    pub address: String,
    /// WGS-84.
    pub location: LatLng,
    pub hours: OpeningHours,
    pub follows_working_calendar: bool,
    pub amenities: Amenities,
    pub manager_name: Option<String>,
    pub manager_phone: Option<PhoneNumber>,
    pub rules: String,
    pub six_haves: SixHaves,
    /// The identifier in the union's own list, for re-imports.
    pub external_id: Option<String>,
}

pub const NAME_MAX_CHARS: usize = 100;
pub const ADDRESS_MAX_CHARS: usize = 200;
pub const RULES_MAX_CHARS: usize = 4000;
pub const MANAGER_NAME_MAX_CHARS: usize = 40;
pub const EXTERNAL_ID_MAX_CHARS: usize = 64;

/// The station's name: required.
pub fn check_name(raw: &str) -> Result<String, Invalid> {
    text(raw, "name", NAME_MAX_CHARS, true)
}

/// Where the station is, in words: required.
pub fn check_address(raw: &str) -> Result<String, Invalid> {
    text(raw, "address", ADDRESS_MAX_CHARS, true)
}

/// The house rules: may be empty, may span lines.
pub fn check_rules(raw: &str) -> Result<String, Invalid> {
    text(raw, "rules", RULES_MAX_CHARS, false)
}

/// The manager's name; blank means none.
pub fn check_manager_name(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    optional(raw, |name| text(name, "manager_name", MANAGER_NAME_MAX_CHARS, true))
}

/// The manager's phone; blank means none.
pub fn check_manager_phone(raw: Option<&str>) -> Result<Option<PhoneNumber>, Invalid> {
    optional(raw, |phone| PhoneNumber::parse(phone).map_err(|_| Invalid::field("manager_phone", "invalid_phone")))
}

/// The identifier in the union's own list; blank means none.
pub fn check_external_id(raw: Option<&str>) -> Result<Option<String>, Invalid> {
    optional(raw, |id| text(id, "external_id", EXTERNAL_ID_MAX_CHARS, true))
}

/// `None` for a missing or blank value, else the checked trimmed value.
fn optional<T>(raw: Option<&str>, check: impl FnOnce(&str) -> Result<T, Invalid>) -> Result<Option<T>, Invalid> {
    match raw.map(str::trim).filter(|value| !value.is_empty()) {
        Some(value) => check(value).map(Some),
        None => Ok(None),
    }
}

/// A trimmed text of at most `max` characters, without control characters but
/// line breaks: `required` when it must not be empty, else `invalid_value`.
fn text(value: &str, field: &'static str, max: usize, required: bool) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(Invalid::field(field, "required"));
    }
    if trimmed.chars().count() > max || trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::field(field, "invalid_value"));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_and_required_ones_must_not_be_blank() {
        assert_eq!(check_name("  江北驿站 ").unwrap(), "江北驿站");
        assert_eq!(check_name(" \n ").unwrap_err(), Invalid::field("name", "required"));
        assert_eq!(check_address("").unwrap_err(), Invalid::field("address", "required"));
        assert_eq!(check_rules("  ").unwrap(), "");
        assert_eq!(check_rules(" 不得吸烟\n保持安静 ").unwrap(), "不得吸烟\n保持安静");
    }

    #[test]
    fn texts_have_a_length_in_characters_and_no_control_characters() {
        assert_eq!(check_name(&"站".repeat(NAME_MAX_CHARS)).unwrap().chars().count(), NAME_MAX_CHARS);
        assert_eq!(check_name(&"站".repeat(NAME_MAX_CHARS + 1)).unwrap_err(), Invalid::field("name", "invalid_value"));
        assert_eq!(check_address(&"路".repeat(ADDRESS_MAX_CHARS + 1)).unwrap_err().code, "invalid_value");
        assert_eq!(check_rules(&"规".repeat(RULES_MAX_CHARS + 1)).unwrap_err().code, "invalid_value");
        assert_eq!(check_name("驿\u{7}站").unwrap_err(), Invalid::field("name", "invalid_value"));
        assert_eq!(check_name("驿站\n二号").unwrap(), "驿站\n二号");
        assert_eq!(check_address("路\t1号").unwrap_err().code, "invalid_value");
    }

    #[test]
    fn optional_texts_are_none_when_blank() {
        assert_eq!(check_manager_name(None).unwrap(), None);
        assert_eq!(check_manager_name(Some("   ")).unwrap(), None);
        assert_eq!(check_manager_name(Some(" 王芳 ")).unwrap().as_deref(), Some("王芳"));
        assert_eq!(
            check_manager_name(Some(&"王".repeat(MANAGER_NAME_MAX_CHARS + 1))).unwrap_err(),
            Invalid::field("manager_name", "invalid_value")
        );
        assert_eq!(check_external_id(Some("")).unwrap(), None);
        assert_eq!(check_external_id(Some(" CQ-0001 ")).unwrap().as_deref(), Some("CQ-0001"));
        assert_eq!(
            check_external_id(Some(&"x".repeat(EXTERNAL_ID_MAX_CHARS + 1))).unwrap_err(),
            Invalid::field("external_id", "invalid_value")
        );
    }

    #[test]
    fn the_manager_phone_is_a_phone_number_or_none() {
        assert_eq!(check_manager_phone(Some(" ")).unwrap(), None);
        assert_eq!(check_manager_phone(Some("13800138000")).unwrap().map(|p| p.as_str().to_owned()), Some("13800138000".to_owned()));
        assert_eq!(check_manager_phone(Some("12345")).unwrap_err(), Invalid::field("manager_phone", "invalid_phone"));
    }
}
