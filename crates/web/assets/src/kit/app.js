// Progressive enhancement for Waystation's server-rendered pages. Every page
// works without this script; it only smooths the edges.

// Ask before destructive actions (deactivate, revoke).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // One tap is one action: disable the button while the page is on its way.
  // (The server also de-duplicates by the form's idempotency key.)
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
  }
});

// Mark the current section in the navigation.
const here = window.location.pathname;
for (const link of document.querySelectorAll("header nav a[data-nav]")) {
  if (here.startsWith("/" + link.getAttribute("data-nav"))) {
    link.setAttribute("aria-current", "page");
  }
}

// A choice that fills a text box (e.g. a reply template): <select data-fill="id">
// whose options carry data-text. Without this script the server does the same.
for (const select of document.querySelectorAll("select[data-fill]")) {
  select.addEventListener("change", () => {
    const target = document.getElementById(select.getAttribute("data-fill"));
    const text = select.selectedOptions[0]?.getAttribute("data-text");
    if (target && text) target.value = text;
  });
}
