// Alerts: the one way the reader is told that something failed. Each is a
// <p class="alert" role="alert" hidden> the server renders where the
// message belongs (a form, a card); showing text in it makes assistive
// technology read it out, and the empty message hides it again.

// showAlert shows message in the alert box, or hides the box when message
// is "". A missing box (the page offers no place for it) is ignored.
export function showAlert(box, message) {
  if (!box) return;
  box.textContent = message;
  box.hidden = message === "";
}

// alertOf is the alert box of a form: its own, or for a card's small
// action forms (accept, reject, confirm, resolve) the card's.
export function alertOf(form) {
  return form.querySelector(":scope > .alert") ??
    form.closest(".card")?.querySelector('[data-testid="decide-error"], [data-testid="reattach-error"]') ?? null;
}
