//! Stations, as the station form describes them.

use serde_json::{json, Map, Value};
use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::stations::StationStatus;
use waystation_domain::stations::StationDraft;
use waystation_storage::Station;

use crate::common::TestServer;

/// A station of `org`: by default a union station at 解放碑步行街 1 号
/// (29.557, 106.577), open `Mo-Su 07:00-22:00`, without amenities, open.
pub struct StationBuilder {
    name: String,
    org: OrgId,
    address: String,
    location: (f64, f64),
    hours: String,
    amenities: Map<String, Value>,
    status: StationStatus,
}

impl StationBuilder {
    pub fn new(name: &str, org: OrgId) -> Self {
        Self {
            name: name.to_owned(),
            org,
            address: "解放碑步行街 1 号".to_owned(),
            location: (29.557, 106.577),
            hours: "Mo-Su 07:00-22:00".to_owned(),
            amenities: Map::new(),
            status: StationStatus::Open,
        }
    }

    pub fn address(mut self, address: &str) -> Self {
        self.address = address.to_owned();
        self
    }

    pub fn location(mut self, lat: f64, lng: f64) -> Self {
        self.location = (lat, lng);
        self
    }

    /// OpenStreetMap `opening_hours`.
    pub fn hours(mut self, hours: &str) -> Self {
        self.hours = hours.to_owned();
        self
    }

    /// An amenity the station offers (without a count).
    pub fn amenity(mut self, amenity: &str) -> Self {
        self.amenities.insert(amenity.to_owned(), Value::Bool(true));
        self
    }

    /// The status [`StationBuilder::create`] gives it (the API's form has none).
    pub fn status(mut self, status: StationStatus) -> Self {
        self.status = status;
        self
    }

    /// The station form as the API takes it (`POST /api/v1/stations`).
    pub fn json(&self) -> Value {
        let mut form = json!({
            "name": self.name, "kind": "union_station", "org_id": self.org, "address": self.address,
            "location": {"lat": self.location.0, "lng": self.location.1}, "opening_hours": self.hours
        });
        if !self.amenities.is_empty() {
            form["amenities"] = Value::Object(self.amenities.clone());
        }
        form
    }

    /// The form checked as the API checks it.
    pub fn input(&self) -> StationDraft {
        let form: waystation_web::stations::StationForm = serde_json::from_value(self.json()).unwrap();
        form.validate().unwrap()
    }

    /// Writes the station through the store (no actor: as a test set-up).
    pub async fn create(self, server: &TestServer) -> Station {
        server.store.create_station(None, self.input(), self.status, "test").await.unwrap()
    }
}
