// Galley's reader: turns a text selection into code point offsets, posts
// the annotation, and swaps in the article and threads the server renders.
// The server draws every highlight; this script never rebuilds the article.

const reader = document.querySelector(".reader");
if (reader) {
  setUpReader(reader);
}

// codePoints counts Unicode code points in a string (a surrogate pair, as
// in most emoji, is one code point, as the server counts).
export function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

// selectionToQuote turns the current selection inside the article into
// {start, end, exact}: code point offsets over the document text and the
// quoted text, trimmed of surrounding white space. Blocks are joined by a
// blank line, as in the document text. It returns null when nothing in the
// article is selected.
export function selectionToQuote(article, selection) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const blocks = [...article.querySelectorAll("[data-start]")].filter((b) => range.intersectsNode(b));
  if (blocks.length === 0) return null;

  const parts = [];
  let start = null;
  let end = null;
  for (const block of blocks) {
    const part = document.createRange();
    part.selectNodeContents(block);
    if (block.contains(range.startContainer)) part.setStart(range.startContainer, range.startOffset);
    if (block.contains(range.endContainer)) part.setEnd(range.endContainer, range.endOffset);
    const before = document.createRange();
    before.setStart(block, 0);
    before.setEnd(part.startContainer, part.startOffset);
    const text = part.toString();
    const from = Number(block.dataset.start) + codePoints(before.toString());
    if (start === null) start = from;
    end = from + codePoints(text);
    parts.push(text);
  }
  let exact = parts.join("\n\n");
  const lead = exact.match(/^\s*/)[0];
  const trail = exact.slice(lead.length).match(/\s*$/)[0];
  start += codePoints(lead);
  end -= codePoints(trail);
  exact = exact.slice(lead.length, exact.length - trail.length);
  if (exact === "") return null;
  return { start, end, exact };
}

function setUpReader(root) {
  const docID = root.dataset.documentId;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const toolbar = root.querySelector("#toolbar");
  const composer = root.querySelector("#composer");
  let pending = null; // the selection being annotated
  const article = () => root.querySelector('[data-testid="article"]');

  // Show the toolbar beside a selection in the article.
  function onSelectionChange() {
    if (!toolbar || (composer && !composer.hidden)) return;
    const quote = selectionToQuote(article(), document.getSelection());
    if (!quote) {
      toolbar.hidden = true;
      return;
    }
    const rect = document.getSelection().getRangeAt(0).getBoundingClientRect();
    const host = root.querySelector(".reader-main").getBoundingClientRect();
    toolbar.style.top = `${rect.bottom - host.top + 6}px`;
    toolbar.style.left = `${Math.max(0, rect.left - host.left)}px`;
    toolbar.hidden = false;
  }
  document.addEventListener("selectionchange", onSelectionChange);

  function openComposer() {
    const quote = selectionToQuote(article(), document.getSelection());
    if (!quote || !composer) return;
    pending = quote;
    composer.querySelector("#composer-quote").textContent = quote.exact;
    showError("");
    composer.hidden = false;
    toolbar.hidden = true;
    composer.querySelector('[data-testid="comment-input"]').focus();
  }

  function closeComposer() {
    if (composer.contains(document.activeElement)) article().focus({ preventScroll: true });
    pending = null;
    composer.reset();
    composer.hidden = true;
    showError("");
  }

  function showError(message) {
    const alert = composer?.querySelector(".alert");
    if (!alert) return;
    alert.textContent = message;
    alert.hidden = message === "";
  }

  toolbar?.querySelector('[data-testid="annotate-button"]').addEventListener("click", openComposer);
  // Keep the selection when the toolbar button is pressed.
  toolbar?.addEventListener("mousedown", (e) => e.preventDefault());

  composer?.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!pending) return;
    const form = new FormData(composer);
    const body = {
      ...pending,
      comment: form.get("comment").trim(),
      tags: form.get("tags").split(",").map((t) => t.trim()).filter(Boolean),
    };
    const save = composer.querySelector('[data-testid="save-annotation"]');
    save.disabled = true;
    try {
      const res = await fetch(`/api/documents/${encodeURIComponent(docID)}/annotations`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        const err = await res.json().catch(() => null);
        showError(err?.error?.message ?? `Saving failed (${res.status}).`);
        return;
      }
      const created = await res.json();
      closeComposer();
      document.getSelection().removeAllRanges();
      try {
        await refresh();
      } catch {
        location.reload(); // saved; show it the slow way
        return;
      }
      const card = root.querySelector(`[data-annotation-id="${CSS.escape(created.id)}"]`);
      card?.focus();
    } catch {
      showError("The desk could not be reached. Your comment is still here; try again.");
    } finally {
      save.disabled = false;
    }
  });
  composer?.querySelector('[data-action="cancel"]').addEventListener("click", closeComposer);
  composer?.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      composer.requestSubmit();
    } else if (e.key === "Escape") {
      closeComposer();
    }
  });

  // Swap in the server-rendered article and threads.
  async function refresh() {
    const res = await fetch(`/documents/${encodeURIComponent(docID)}/fragments`, { headers: { Accept: "text/html" } });
    if (!res.ok) throw new Error(`refresh: ${res.status}`);
    const tpl = document.createElement("template");
    tpl.innerHTML = await res.text();
    for (const id of ["article", "cards"]) {
      const fresh = tpl.content.getElementById(id);
      if (fresh) document.getElementById(id).replaceWith(fresh);
    }
  }

  // Light up the cards and marks of the threads under the pointer and of
  // the one with keyboard focus; the two are tracked apart so that one
  // leaving does not put out the other.
  const lit = { hover: [], focus: [] };
  function light(kind, ids) {
    lit[kind] = ids;
    root.querySelectorAll(".lit").forEach((el) => el.classList.remove("lit"));
    for (const id of [...lit.hover, ...lit.focus]) {
      const sel = CSS.escape(id);
      root.querySelectorAll(`[data-annotation-ids~="${sel}"], [data-annotation-id="${sel}"]`)
        .forEach((el) => el.classList.add("lit"));
    }
  }
  function idsOf(el) {
    const mark = el.closest?.("[data-annotation-ids]");
    if (mark) return mark.dataset.annotationIds.split(" ");
    const card = el.closest?.("[data-annotation-id]");
    return card ? [card.dataset.annotationId] : [];
  }
  root.addEventListener("mouseover", (e) => light("hover", idsOf(e.target)));
  root.addEventListener("mouseleave", () => light("hover", []));
  root.addEventListener("focusin", (e) => light("focus", idsOf(e.target)));
  root.addEventListener("focusout", (e) => {
    if (!root.contains(e.relatedTarget)) light("focus", []);
  });

  // A click on a highlight brings its first thread into view.
  root.addEventListener("click", (e) => {
    const mark = e.target.closest("[data-annotation-ids]");
    if (!mark || !document.getSelection().isCollapsed) return;
    const card = root.querySelector(`[data-annotation-id="${CSS.escape(mark.dataset.annotationIds.split(" ")[0])}"]`);
    card?.focus();
  });

  // Keyboard: j/k move between threads (their highlights scroll into view),
  // Alt+A annotates the selection.
  document.addEventListener("keydown", (e) => {
    if (e.altKey && e.code === "KeyA") {
      e.preventDefault();
      openComposer();
      return;
    }
    if (e.target.closest("input, textarea, select, [contenteditable]") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key !== "j" && e.key !== "k") return;
    const cards = [...root.querySelectorAll('[data-testid="annotation-card"]')];
    if (cards.length === 0) return;
    const at = cards.indexOf(document.activeElement);
    const next = e.key === "j" ? Math.min(at + 1, cards.length - 1) : Math.max(at - 1, 0);
    e.preventDefault();
    cards[next].focus();
  });
  root.addEventListener("focusin", (e) => {
    const card = e.target.closest('[data-testid="annotation-card"]');
    if (!card) return;
    const mark = root.querySelector(`[data-annotation-ids~="${CSS.escape(card.dataset.annotationId)}"]`);
    mark?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  });
}
