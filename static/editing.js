// Editing a comment or a reply in place. The edit form sends the version it
// started from; when someone changed the text meanwhile (412) the newer
// text is shown beside the draft, which is kept, and saving again replaces
// the newer version.

import { alertOf, showAlert } from "./alerts.js";
import { request } from "./api.js";
import { splitTags } from "./tags.js";

// setUpEditing handles the Edit and Cancel buttons and the edit forms.
export function setUpEditing(reader) {
  const { root } = reader;
  root.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (button?.dataset.action === "edit") {
      const item = button.closest(".reply") ?? button.closest(".card");
      const form = item.querySelector(":scope > .edit-form");
      form.hidden = false;
      form.querySelector("textarea, input:not([type=hidden])")?.focus();
    } else if (button?.dataset.action === "cancel-edit") {
      const form = button.closest(".edit-form");
      form.reset();
      form.querySelector(".conflict").hidden = true;
      showAlert(alertOf(form), "");
      form.hidden = true;
    }
  });
  root.addEventListener("submit", async (e) => {
    const form = e.target;
    if (!form.matches(".edit-form")) return;
    e.preventDefault();
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      await saveEdit(reader, form);
    } catch (err) {
      showAlert(alertOf(form), err.message);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}

async function saveEdit(reader, form) {
  const path = `/api/${form.dataset.kind === "reply" ? "replies" : "annotations"}/${encodeURIComponent(form.dataset.id)}`;
  const body = {};
  if (form.elements.comment) body.comment = form.elements.comment.value;
  if (form.elements.tags) body.tags = splitTags(form.elements.tags.value);
  try {
    await request("PATCH", path, { body, headers: { "If-Match": `"${form.elements.version.value}"` } });
  } catch (err) {
    if (err.status !== 412) throw err;
    const current = await request("GET", path);
    form.elements.version.value = current.version;
    const tags = current.tags?.length ? `\nTags: ${current.tags.join(", ")}` : "";
    showConflict(form, current.deleted ? "(deleted)" : current.comment + tags);
    return;
  }
  showAlert(alertOf(form), "");
  form.hidden = true;
  await reader.refresh();
}

// conflictOf is the newer text an edit form shows, or null.
export function conflictOf(form) {
  const box = form.querySelector(".conflict");
  return box && !box.hidden ? box.querySelector(".newer").textContent : null;
}

// showConflict shows the newer text beside the draft.
export function showConflict(form, text) {
  const box = form.querySelector(".conflict");
  box.querySelector(".newer").textContent = text;
  box.hidden = false;
}
