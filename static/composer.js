// The composer: a toolbar beside a selection in the article offers to
// annotate it or to suggest new wording (Alt+A, Alt+S), and the composer
// form in the sidebar posts the annotation with the selection's code point
// offsets. The server then draws the highlight; fresh panels show it.

import { showAlert } from "./alerts.js";
import { request } from "./api.js";
import { selectionToQuote } from "./selection.js";
import { splitTags } from "./tags.js";

// setUpComposer wires the toolbar and the composer, when the reader may
// annotate. It keeps reader.lastQuote, the last passage selected.
export function setUpComposer(reader) {
  const { root } = reader;
  const toolbar = root.querySelector("#toolbar");
  const composer = root.querySelector("#composer");
  if (!toolbar || !composer) return;
  const field = (testid) => composer.querySelector(`[data-testid="${testid}"]`);
  const alert = composer.querySelector(".alert");
  let pending = null; // the selection being annotated
  let mode = "annotate"; // or "suggest": the composer proposes new wording
  let bareAsked = false; // the reader was told an empty comment saves a bare highlight

  // Show the toolbar beside a selection in the article.
  document.addEventListener("selectionchange", () => {
    if (!composer.hidden) return;
    const quote = selectionToQuote(reader.article(), document.getSelection());
    if (!quote) {
      toolbar.hidden = true;
      return;
    }
    reader.lastQuote = quote;
    const rect = document.getSelection().getRangeAt(0).getBoundingClientRect();
    const host = root.querySelector(".reader-main").getBoundingClientRect();
    toolbar.style.top = `${rect.bottom - host.top + 6}px`;
    toolbar.style.left = `${Math.max(0, rect.left - host.left)}px`;
    toolbar.hidden = false;
  });

  // open opens the composer on the selection: as a new annotation, or
  // (how "suggest") as a suggested change whose replacement starts as the
  // passage itself.
  // It tells whether there was a selection to open it on.
  const status = root.querySelector("#annotate-status");
  function open(how) {
    const quote = selectionToQuote(reader.article(), document.getSelection());
    if (!quote) return false;
    if (status) status.textContent = "";
    pending = quote;
    mode = how;
    bareAsked = false;
    composer.querySelector("#composer-quote").textContent = quote.exact;
    composer.querySelector("#composer-title").textContent = mode === "suggest" ? "Suggest a change" : "New annotation";
    const replacement = field("replacement-input");
    composer.querySelector("#replacement-field").hidden = mode !== "suggest";
    replacement.value = mode === "suggest" ? quote.exact : "";
    showAlert(alert, "");
    placeComposer();
    composer.hidden = false;
    toolbar.hidden = true;
    if (mode === "suggest") {
      replacement.focus({ preventScroll: true });
      replacement.select();
    } else {
      field("comment-input").focus({ preventScroll: true });
    }
    composer.scrollIntoView({ block: "nearest" });
    return true;
  }

  // On a phone the sidebar is out of sight: the composer opens in the
  // article column, just under the selection; elsewhere it heads the
  // sidebar.
  const home = composer.parentElement;
  const homeNext = composer.nextElementSibling;
  function placeComposer() {
    const main = root.querySelector(".reader-main");
    if (!window.matchMedia("(max-width: 900px)").matches) {
      if (composer.parentElement !== home) home.insertBefore(composer, homeNext);
      composer.style.top = "";
      return;
    }
    const rect = document.getSelection().getRangeAt(0).getBoundingClientRect();
    main.append(composer);
    composer.style.top = `${rect.bottom - main.getBoundingClientRect().top + 8}px`;
  }

  function close() {
    if (composer.contains(document.activeElement)) reader.article().focus({ preventScroll: true });
    pending = null;
    mode = "annotate";
    composer.reset();
    composer.querySelector("#replacement-field").hidden = true;
    composer.hidden = true;
    showAlert(alert, "");
  }

  async function save() {
    if (!pending) return;
    const form = new FormData(composer);
    const body = { ...pending, comment: form.get("comment").trim(), tags: splitTags(form.get("tags")) };
    if (mode === "annotate" && body.comment === "" && body.tags.length === 0) {
      // Never a bare highlight by accident: say so once, then save it.
      if (!bareAsked) {
        bareAsked = true;
        showAlert(alert, "The comment is empty: Save again to keep a bare highlight, or write a comment.");
        field("comment-input").focus();
        return;
      }
      body.motivation = "highlighting";
    }
    if (mode === "suggest") {
      body.motivation = "editing";
      body.replacement = form.get("replacement");
      if (body.replacement === pending.exact) {
        showAlert(alert, "The replacement is the same as the passage; change it, or cancel.");
        return;
      }
    }
    const button = field("save-annotation");
    button.disabled = true;
    let created;
    try {
      created = await request("POST", `/api/documents/${encodeURIComponent(reader.docID)}/annotations`, { body });
    } catch (err) {
      showAlert(alert, err.message);
      return;
    } finally {
      button.disabled = false;
    }
    close();
    document.getSelection().removeAllRanges();
    await reader.refresh();
    root.querySelector(`[data-testid="annotation-card"][data-annotation-id="${CSS.escape(created.id)}"]`)?.focus();
  }

  toolbar.querySelector('[data-testid="annotate-button"]').addEventListener("click", () => open("annotate"));
  toolbar.querySelector('[data-testid="suggest-button"]')?.addEventListener("click", () => open("suggest"));
  // Pressing a toolbar button must not take away the selection.
  toolbar.addEventListener("mousedown", (e) => e.preventDefault());

  composer.addEventListener("submit", (e) => {
    e.preventDefault();
    save();
  });
  composer.querySelector('[data-action="cancel"]').addEventListener("click", close);
  composer.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      composer.requestSubmit();
    } else if (e.key === "Escape") {
      close();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.altKey && (e.code === "KeyA" || e.code === "KeyS")) {
      e.preventDefault();
      if (!open(e.code === "KeyS" ? "suggest" : "annotate") && status && composer.hidden) {
        status.textContent =
          "Nothing is selected. Select a passage first: Tab to the article, move with the arrow keys and hold Shift to select, then press Alt+A.";
      }
    }
  });
}
