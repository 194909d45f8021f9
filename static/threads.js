// Threads in the sidebar: replying, accepting or rejecting a suggestion,
// confirming an anchor, resolving and reopening, deleting, and re-attaching
// an orphan to the selected passage. Each plain form works without this
// script; with it the page stays put and fresh panels are swapped in.

import { alertOf, showAlert } from "./alerts.js";
import { request } from "./api.js";
import { selectionToQuote } from "./selection.js";

// setUpThreads handles the thread forms and buttons under the reader.
export function setUpThreads(reader) {
  const { root } = reader;

  root.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches(".reply-form")) {
      e.preventDefault();
      send(form, () => reply(reader, form));
    } else if (form.matches(".decide-form, .confirm-form, .resolve-form")) {
      // The form's own address, under /api/, does the same.
      e.preventDefault();
      send(form, async () => {
        await request("POST", `/api${new URL(form.action).pathname}`);
        await reader.refresh();
      });
    }
  });

  root.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (button?.dataset.action === "delete") remove(reader, button);
    else if (button?.dataset.action === "reattach") reattach(reader, button.closest(".card"));
  });
  // Pressing Re-attach must not take away the selection it uses.
  root.addEventListener("mousedown", (e) => {
    if (e.target.closest('[data-action="reattach"]')) e.preventDefault();
  });

  // Ctrl+Enter sends a reply or saves an edit.
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    const form = e.target.closest?.(".reply-form, .edit-form");
    if (!form) return;
    e.preventDefault();
    form.requestSubmit();
  });
}

// send runs a form's request with its buttons disabled and shows what went
// wrong in the form's alert; what was typed stays.
async function send(form, fn) {
  const buttons = form.querySelectorAll("button");
  buttons.forEach((b) => (b.disabled = true));
  try {
    await fn();
  } catch (err) {
    showAlert(alertOf(form), err.message);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

async function reply(reader, form) {
  const input = form.querySelector('[data-testid="reply-input"]');
  const comment = input.value.trim();
  if (!comment) return;
  const id = form.closest("[data-annotation-id]").dataset.annotationId;
  await request("POST", `/api/annotations/${encodeURIComponent(id)}/replies`, { body: { comment } });
  input.value = "";
  showAlert(alertOf(form), "");
  await reader.refresh();
  reader.root.querySelector(`[data-draft="reply-${CSS.escape(id)}"]`)?.focus({ preventScroll: true });
}

// remove deletes a thread or a reply on a second click; no modal dialog.
async function remove(reader, button) {
  if (button.dataset.armed !== "true") {
    button.dataset.armed = "true";
    button.textContent = "Click again to delete";
    setTimeout(() => {
      button.dataset.armed = "false";
      button.textContent = "Delete";
    }, 4000);
    return;
  }
  const item = button.closest(".reply") ?? button.closest(".card");
  const isReply = item.matches(".reply");
  const id = isReply ? item.dataset.replyId : item.dataset.annotationId;
  try {
    await request("DELETE", `/api/${isReply ? "replies" : "annotations"}/${encodeURIComponent(id)}`, {
      headers: { "If-Match": `"${item.dataset.version}"` },
    });
  } catch (err) {
    // A stale version (412) means it changed: the fresh panels show how.
    if (err.status !== 412) button.textContent = err.message;
    if (err.status === 0) return;
  }
  await reader.refresh();
}

// reattach anchors an orphan to the passage selected in the article (or
// the last one selected, when pressing the button took the selection).
async function reattach(reader, card) {
  const box = card.querySelector('[data-testid="reattach-error"]');
  const quote = selectionToQuote(reader.article(), document.getSelection()) ?? reader.lastQuote;
  if (!quote) {
    showAlert(box, "Select the passage in the article first, then choose Re-attach.");
    return;
  }
  const id = card.dataset.annotationId;
  try {
    await request("POST", `/api/annotations/${encodeURIComponent(id)}/anchor`, {
      body: quote,
      headers: { "If-Match": `"${card.dataset.version}"` },
    });
  } catch (err) {
    showAlert(box, err.message);
    return;
  }
  reader.lastQuote = null;
  document.getSelection().removeAllRanges();
  await reader.refresh();
  reader.root.querySelector(`[data-testid="annotation-card"][data-annotation-id="${CSS.escape(id)}"]`)?.focus();
}
