use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// What a station offers (SPEC 3.1). Some amenities are counted: a station
/// has three EV chargers, not just "EV chargers". Adding one means adding a
/// variant here and its name in both locale files (a test checks the names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Amenity {
    DrinkingWater,
    HotWater,
    PhoneCharging,
    Microwave,
    Toilet,
    RestSeats,
    AirConditioning,
    Heating,
    Wifi,
    FirstAidKit,
    UmbrellaLending,
    EbikeBatterySwap,
    EbikeCharging,
    CarParking,
    EvChargers,
    MotorbikeParking,
    Shower,
    Laundry,
    Lodging,
    Meals,
    DiscountedMeals,
    ReadingArea,
    LegalAdvice,
    RepairTools,
}

impl Amenity {
    pub const ALL: [Amenity; 24] = [
        Amenity::DrinkingWater,
        Amenity::HotWater,
        Amenity::PhoneCharging,
        Amenity::Microwave,
        Amenity::Toilet,
        Amenity::RestSeats,
        Amenity::AirConditioning,
        Amenity::Heating,
        Amenity::Wifi,
        Amenity::FirstAidKit,
        Amenity::UmbrellaLending,
        Amenity::EbikeBatterySwap,
        Amenity::EbikeCharging,
        Amenity::CarParking,
        Amenity::EvChargers,
        Amenity::MotorbikeParking,
        Amenity::Shower,
        Amenity::Laundry,
        Amenity::Lodging,
        Amenity::Meals,
        Amenity::DiscountedMeals,
        Amenity::ReadingArea,
        Amenity::LegalAdvice,
        Amenity::RepairTools,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Amenity::DrinkingWater => "drinking_water",
            Amenity::HotWater => "hot_water",
            Amenity::PhoneCharging => "phone_charging",
            Amenity::Microwave => "microwave",
            Amenity::Toilet => "toilet",
            Amenity::RestSeats => "rest_seats",
            Amenity::AirConditioning => "air_conditioning",
            Amenity::Heating => "heating",
            Amenity::Wifi => "wifi",
            Amenity::FirstAidKit => "first_aid_kit",
            Amenity::UmbrellaLending => "umbrella_lending",
            Amenity::EbikeBatterySwap => "ebike_battery_swap",
            Amenity::EbikeCharging => "ebike_charging",
            Amenity::CarParking => "car_parking",
            Amenity::EvChargers => "ev_chargers",
            Amenity::MotorbikeParking => "motorbike_parking",
            Amenity::Shower => "shower",
            Amenity::Laundry => "laundry",
            Amenity::Lodging => "lodging",
            Amenity::Meals => "meals",
            Amenity::DiscountedMeals => "discounted_meals",
            Amenity::ReadingArea => "reading_area",
            Amenity::LegalAdvice => "legal_advice",
            Amenity::RepairTools => "repair_tools",
        }
    }

    /// Amenities whose number matters: spaces, chargers, seats.
    pub const fn is_counted(self) -> bool {
        matches!(self, Amenity::RestSeats | Amenity::CarParking | Amenity::EvChargers | Amenity::MotorbikeParking)
    }

    /// Its position in [`Amenity::ALL`] (which lists them in declaration order).
    pub const fn index(self) -> usize {
        self as usize
    }

    const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Amenity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Amenity {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amenity::ALL.into_iter().find(|a| a.as_str() == s).ok_or(Invalid::field("amenity", "unknown_amenity"))
    }
}

/// A set of amenities as bits, for filtering hundreds of thousands of stations fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AmenitySet(u32);

impl AmenitySet {
    pub const EMPTY: AmenitySet = AmenitySet(0);

    pub fn with(self, amenity: Amenity) -> Self {
        Self(self.0 | amenity.bit())
    }

    pub fn contains(self, amenity: Amenity) -> bool {
        self.0 & amenity.bit() != 0
    }

    /// Whether every amenity of `required` is in this set.
    pub fn covers(self, required: AmenitySet) -> bool {
        self.0 & required.0 == required.0
    }

    pub fn iter(self) -> impl Iterator<Item = Amenity> {
        Amenity::ALL.into_iter().filter(move |a| self.contains(*a))
    }

    /// Parses a list such as `phone_charging,ev_chargers`.
    pub fn parse_list<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        names
            .into_iter()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .try_fold(AmenitySet::EMPTY, |set, name| Ok(set.with(name.parse()?)))
    }
}

impl FromIterator<Amenity> for AmenitySet {
    fn from_iter<I: IntoIterator<Item = Amenity>>(iter: I) -> Self {
        iter.into_iter().fold(AmenitySet::EMPTY, AmenitySet::with)
    }
}

/// What a station offers, with counts for the counted amenities.
///
/// Serialised as `{"phone_charging": true, "ev_chargers": 3}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, serde_json::Value>", into = "BTreeMap<String, serde_json::Value>")]
pub struct Amenities(BTreeMap<Amenity, u32>);

impl Amenities {
    /// Adds an amenity; a counted one needs a count of at least 1, an uncounted one takes none.
    pub fn insert(&mut self, amenity: Amenity, count: Option<u32>) -> Result<(), Invalid> {
        let count = match (amenity.is_counted(), count) {
            (true, Some(n)) if n >= 1 && n <= 100_000 => n,
            (true, _) => return Err(Invalid::field("amenities", "amenity_count_required")),
            (false, None) => 1,
            (false, Some(_)) => return Err(Invalid::field("amenities", "amenity_not_counted")),
        };
        self.0.insert(amenity, count);
        Ok(())
    }

    pub fn set(&self) -> AmenitySet {
        self.0.keys().copied().collect()
    }

    /// The count of a counted amenity, 0 when absent.
    pub fn count(&self, amenity: Amenity) -> u32 {
        self.0.get(&amenity).copied().unwrap_or(0)
    }

    pub fn contains(&self, amenity: Amenity) -> bool {
        self.0.contains_key(&amenity)
    }

    pub fn iter(&self) -> impl Iterator<Item = (Amenity, Option<u32>)> + '_ {
        self.0.iter().map(|(a, n)| (*a, a.is_counted().then_some(*n)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<BTreeMap<String, serde_json::Value>> for Amenities {
    type Error = Invalid;
    fn try_from(map: BTreeMap<String, serde_json::Value>) -> Result<Self, Self::Error> {
        let mut amenities = Amenities::default();
        for (name, value) in map {
            let amenity: Amenity = name.parse()?;
            let count = match value {
                serde_json::Value::Bool(true) => None,
                serde_json::Value::Bool(false) => continue,
                serde_json::Value::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(0) => continue,
                    Some(n) => Some(n),
                    None => return Err(Invalid::field("amenities", "amenity_count_required")),
                },
                _ => return Err(Invalid::field("amenities", "invalid_amenities")),
            };
            amenities.insert(amenity, count)?;
        }
        Ok(amenities)
    }
}

impl From<Amenities> for BTreeMap<String, serde_json::Value> {
    fn from(amenities: Amenities) -> Self {
        amenities
            .iter()
            .map(|(a, n)| (a.as_str().to_owned(), n.map_or(serde_json::Value::Bool(true), serde_json::Value::from)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_amenity_s_index_is_its_place_in_all() {
        for (i, amenity) in Amenity::ALL.into_iter().enumerate() {
            assert_eq!(amenity.index(), i, "{}", amenity.as_str());
        }
    }

    #[test]
    fn counted_amenities_carry_their_numbers() {
        let parsed: Amenities =
            serde_json::from_str(r#"{"phone_charging": true, "ev_chargers": 3, "car_parking": 12, "wifi": false}"#).unwrap();
        assert_eq!(parsed.count(Amenity::EvChargers), 3);
        assert!(parsed.contains(Amenity::PhoneCharging));
        assert!(!parsed.contains(Amenity::Wifi));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), serde_json::json!({"car_parking": 12, "ev_chargers": 3, "phone_charging": true}));
    }

    #[test]
    fn unknown_or_miscounted_amenities_are_refused() {
        assert_eq!(serde_json::from_str::<Amenities>(r#"{"sauna": true}"#).unwrap_err().to_string().contains("unknown_amenity"), true);
        let mut a = Amenities::default();
        assert_eq!(a.insert(Amenity::EvChargers, None).unwrap_err().code, "amenity_count_required");
        assert_eq!(a.insert(Amenity::Wifi, Some(2)).unwrap_err().code, "amenity_not_counted");
    }

    #[test]
    fn sets_filter_by_every_required_amenity() {
        let station: AmenitySet = [Amenity::PhoneCharging, Amenity::DrinkingWater, Amenity::EvChargers].into_iter().collect();
        let wanted = AmenitySet::parse_list(["phone_charging", "ev_chargers"]).unwrap();
        assert!(station.covers(wanted));
        assert!(!station.covers(wanted.with(Amenity::Shower)));
        assert!(station.covers(AmenitySet::EMPTY));
        assert_eq!(AmenitySet::parse_list(["jacuzzi"]).unwrap_err().code, "unknown_amenity");
        assert_eq!(station.iter().count(), 3);
    }

    #[test]
    fn every_amenity_round_trips_through_its_name_and_has_its_own_bit() {
        let all: AmenitySet = Amenity::ALL.into_iter().collect();
        assert_eq!(all.iter().count(), Amenity::ALL.len());
        for a in Amenity::ALL {
            assert_eq!(a.as_str().parse::<Amenity>(), Ok(a));
        }
    }
}
