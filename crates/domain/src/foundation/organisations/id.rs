/// The database identity of an organisation.
pub type OrgId = i64;
