//! Accounts, with a role or none, and their sessions.

use waystation_domain::foundation::organisations::OrgId;
use waystation_domain::foundation::people::{PersonName, PhoneNumber, Role, UserId};
use waystation_storage::NewUser;

use crate::common::{Client, TestServer};

/// An account: by default a fresh `1390000…` phone, no name, no role (a
/// worker who signed in once).
pub struct UserBuilder<'a> {
    server: &'a TestServer,
    phone: Option<String>,
    name: Option<String>,
    role: Option<(Role, OrgId)>,
}

impl TestServer {
    pub fn user(&self) -> UserBuilder<'_> {
        UserBuilder { server: self, phone: None, name: None, role: None }
    }
}

impl UserBuilder<'_> {
    pub fn phone(mut self, phone: &str) -> Self {
        self.phone = Some(phone.to_owned());
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// A role granted on `org`.
    pub fn role(mut self, role: Role, org: OrgId) -> Self {
        self.role = Some((role, org));
        self
    }

    pub async fn create(self) -> UserId {
        let server = self.server;
        let phone = self.phone.unwrap_or_else(|| server.fresh_phone());
        let new = NewUser { phone: PhoneNumber::parse(&phone).unwrap(), name: self.name.map(|n| PersonName::parse(&n).unwrap()), password_hash: None };
        let user = server.store.create_user(None, new).await.unwrap().id;
        if let Some((role, org)) = self.role {
            server.store.grant_role(None, user, org, role).await.unwrap();
        }
        user
    }

    /// The account and a client signed in as it (a session minted in the store).
    pub async fn signed_in(self) -> (UserId, Client) {
        let server = self.server;
        let user = self.create().await;
        (user, server.signed_in_as(user).await)
    }
}
