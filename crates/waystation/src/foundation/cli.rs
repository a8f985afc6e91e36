//! The foundation's commands: accounts and roles (`user`), organisations
//! (`org`) and the audit chain (`audit verify`).

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use clap::Subcommand;
use waystation_domain::foundation::audit::ChainVerifier;
use waystation_domain::foundation::organisations::{DivisionCode, OrgKind, OrgName};
use waystation_domain::foundation::people::{NewPassword, PersonName, PhoneNumber, Role};
use waystation_storage::{NewOrg, NewUser, Org, Store};

/// The foundation's subcommands, flattened into the binary's command list.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage accounts: create, grant or revoke a role, set a password.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organisations from the shell.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

impl Command {
    pub async fn run(self, store: &Arc<dyn Store>) -> anyhow::Result<ExitCode> {
        match self {
            Command::User(command) => {
                store.migrate().await?;
                user_command(store, command).await?;
            }
            Command::Org(command) => {
                store.migrate().await?;
                org_command(store, command).await?;
            }
            Command::Audit(AuditCommand::Verify) => return audit_verify(store).await,
        }
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Debug, clap::Args)]
pub struct OrgRef {
    /// The organisation's id.
    #[arg(long, conflicts_with = "org_code")]
    pub org: Option<i64>,
    /// The organisation's 6-digit division code (e.g. 500000).
    #[arg(long)]
    pub org_code: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account, optionally with a password and a role.
    Create {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        /// Grant this role too (on --org / --org-code, or the root organisation).
        #[arg(long)]
        role: Option<String>,
        #[command(flatten)]
        org: OrgRef,
    },
    /// Grant a role on an organisation (the root when none is named).
    Grant {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        role: String,
        #[command(flatten)]
        org: OrgRef,
    },
    /// Revoke a role on an organisation.
    Revoke {
        #[arg(long)]
        phone: String,
        #[arg(long)]
        role: String,
        #[command(flatten)]
        org: OrgRef,
    },
    /// Set or reset an account's password, read from standard input.
    Password {
        #[arg(long)]
        phone: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create the root of the tree (the national federation) on a new install.
    CreateRoot {
        #[arg(long, default_value = "中华全国总工会")]
        name: String,
    },
    /// List the organisations below one (the root when none is named).
    List {
        #[command(flatten)]
        org: OrgRef,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exit 1 naming the first broken row.
    Verify,
}

pub async fn resolve_org(store: &Arc<dyn Store>, org: &OrgRef) -> anyhow::Result<Org> {
    if let Some(id) = org.org {
        return store.get_org(id).await.with_context(|| format!("no organisation with id {id}"));
    }
    if let Some(code) = &org.org_code {
        let code = DivisionCode::parse(code)?;
        return store
            .org_by_division_code(&code)
            .await?
            .with_context(|| format!("no active organisation with division code {}", code.as_str()));
    }
    match store.list_roots().await?.into_iter().next() {
        Some(root) => Ok(root),
        None => bail!("there is no organisation yet; create the root first: waystation org create-root"),
    }
}

fn read_password() -> anyhow::Result<NewPassword> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).context("reading the password from standard input")?;
    let line = input.lines().next().unwrap_or_default();
    Ok(NewPassword::parse(line).map_err(|e| anyhow::anyhow!("the password is not acceptable: {}", e.code))?)
}

async fn user_by_phone(store: &Arc<dyn Store>, phone: &str) -> anyhow::Result<waystation_storage::User> {
    let phone = PhoneNumber::parse(phone).map_err(|_| anyhow::anyhow!("not a mainland mobile number: {phone}"))?;
    store.user_by_phone(&phone).await?.with_context(|| format!("no account with phone {}", phone.masked()))
}

async fn user_command(store: &Arc<dyn Store>, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Create { phone, name, password_stdin, role, org } => {
            let phone = PhoneNumber::parse(&phone).map_err(|_| anyhow::anyhow!("not a mainland mobile number: {phone}"))?;
            let name = PersonName::parse(&name).map_err(|e| anyhow::anyhow!("name: {}", e.code))?;
            let role = role.as_deref().map(parse_role).transpose()?;
            let target = match role {
                Some(_) => Some(resolve_org(store, &org).await?),
                None => None,
            };
            let password_hash = if password_stdin { Some(waystation_web::sign_in::hash_password(&read_password()?)?) } else { None };
            let user = store.create_user(None, NewUser { phone: phone.clone(), name: Some(name), password_hash }).await?;
            println!("created account {} for {}", user.id, phone.masked());
            if let (Some(role), Some(org)) = (role, target) {
                store.grant_role(None, user.id, org.id, role).await?;
                println!("granted {} on {} ({})", role.as_str(), org.name, org.id);
            }
        }
        UserCommand::Grant { phone, role, org } => {
            let (user, role, org) = person_role_org(store, &phone, &role, &org).await?;
            store.grant_role(None, user.id, org.id, role).await?;
            println!("granted {} on {} ({})", role.as_str(), org.name, org.id);
        }
        UserCommand::Revoke { phone, role, org } => {
            let (user, role, org) = person_role_org(store, &phone, &role, &org).await?;
            let grants = store.grants_of_user(user.id).await?;
            let grant = grants
                .iter()
                .find(|g| g.role == role && g.org_id == org.id)
                .with_context(|| format!("{} holds no {} role on {}", user.phone.masked(), role.as_str(), org.name))?;
            store.revoke_grant(None, grant.id).await?;
            println!("revoked {} on {}", role.as_str(), org.name);
        }
        UserCommand::Password { phone } => {
            let user = user_by_phone(store, &phone).await?;
            let hash = waystation_web::sign_in::hash_password(&read_password()?)?;
            store.set_password_hash(None, user.id, &hash).await?;
            println!("password set for {}", user.phone.masked());
        }
    }
    Ok(())
}

fn parse_role(role: &str) -> anyhow::Result<Role> {
    role.parse().map_err(|_| {
        let names = Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
        anyhow::anyhow!("unknown role {role:?}; one of: {names}")
    })
}

/// The account, role and organisation a grant or revocation names.
async fn person_role_org(store: &Arc<dyn Store>, phone: &str, role: &str, org: &OrgRef) -> anyhow::Result<(waystation_storage::User, Role, Org)> {
    let role = parse_role(role)?;
    let user = user_by_phone(store, phone).await?;
    let org = resolve_org(store, org).await?;
    Ok((user, role, org))
}

async fn org_command(store: &Arc<dyn Store>, command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::CreateRoot { name } => {
            let org = store
                .create_org(None, NewOrg { parent_id: None, kind: OrgKind::National, name: OrgName::parse(&name)?, division_code: None })
                .await?;
            println!("created the root organisation {} ({})", org.name, org.id);
        }
        OrgCommand::List { org } => {
            let root = resolve_org(store, &org).await?;
            let mut request = waystation_domain::kit::pagination::PageRequest::FIRST;
            loop {
                let page = store.list_subtree(root.id, true, request).await?;
                for org in &page.items {
                    let depth = org.path.depth() - root.path.depth();
                    let code = org.division_code.as_ref().map(|c| c.as_str()).unwrap_or("");
                    let state = if org.active { "" } else { " (deactivated)" };
                    println!("{:>6}  {}{} [{}] {}{}", org.id, "  ".repeat(depth), org.name, org.kind.as_str(), code, state);
                }
                match page.next_cursor {
                    Some(cursor) => request = waystation_domain::kit::pagination::PageRequest::parse(Some(&cursor), None)?,
                    None => break,
                }
            }
        }
    }
    Ok(())
}

async fn audit_verify(store: &Arc<dyn Store>) -> anyhow::Result<std::process::ExitCode> {
    let mut verifier = ChainVerifier::default();
    let mut after = 0;
    loop {
        let rows = store.audit_rows(after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            if let Err(broken) = verifier.check(row) {
                println!("{broken}");
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
    }
    let (seq, hash) = store.audit_head().await?;
    match verifier.finish(Some((seq, &hash))) {
        Ok(count) => {
            println!("audit chain intact: {count} rows");
            Ok(std::process::ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!("{broken}");
            Ok(std::process::ExitCode::FAILURE)
        }
    }
}
