//! The console's front page links to each capability's console pages. A
//! capability describes its links as a [`ConsoleEntry`]; the crate root hands
//! the list to the state, and the console page shows the entries the caller
//! may open. The kit names no capability.

use waystation_domain::foundation::access::Caller;

/// One capability's links on the console's front page.
#[derive(Debug)]
pub struct ConsoleEntry {
    /// The `data-testid` of the paragraph that holds the links.
    pub testid: &'static str,
    /// Whether a signed-in caller sees these links.
    pub visible: fn(&Caller) -> bool,
    pub links: &'static [ConsoleLink],
}

/// One link of a [`ConsoleEntry`].
#[derive(Debug)]
pub struct ConsoleLink {
    pub href: &'static str,
    /// The locale key of the link's text.
    pub label: &'static str,
    pub testid: &'static str,
    /// `button`, or `button secondary` for the lesser links.
    pub class: &'static str,
}
