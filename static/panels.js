// Fresh panels from the server. After any change the page fetches the
// panels the server renders (review, article, overview, filters, cards,
// orphans, activity) and swaps in those that differ, carrying over what
// the reader was doing: drafts with their caret, open edit forms and their
// conflicts, the focused card, open folds and the selection in the article.

import { request } from "./api.js";
import { conflictOf, showConflict } from "./editing.js";
import { selectionToQuote, selectOffsets } from "./selection.js";

const panelIDs = ["review", "article", "overview", "filters", "cards", "orphans", "activity"];

// panelRefresher returns refresh(): it swaps in fresh panels, one refresh
// at a time (a change signalled while one runs gets a refresh of its own
// after it), then calls afterSwap. It rejects when the panels could not be
// fetched.
export function panelRefresher(reader, afterSwap) {
  let running = null;
  let again = false;
  return function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          const html = await request("GET", `/documents/${encodeURIComponent(reader.docID)}/fragments${location.search}`, {
            headers: { Accept: "text/html" },
          });
          const tpl = document.createElement("template");
          tpl.innerHTML = html;
          swapPanels(reader, tpl.content);
          afterSwap();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

function swapPanels(reader, fresh) {
  const { root } = reader;
  const active = document.activeElement;
  const drafts = [];
  for (const el of root.querySelectorAll("[data-draft]")) {
    const form = el.closest(".edit-form");
    const open = form ? !form.hidden : false;
    if (el.value === el.defaultValue && el !== active && !open) continue;
    drafts.push({
      key: el.dataset.draft,
      value: el.value,
      open,
      version: form?.elements.version?.value,
      conflict: form ? conflictOf(form) : null,
      focus: el === active ? [el.selectionStart, el.selectionEnd] : null,
    });
  }
  const focusedCard = active?.matches?.('[data-testid="annotation-card"]') ? active.dataset.annotationId : null;
  const openFolds = [...root.querySelectorAll("details[id][open]")].map((d) => d.id);
  const selected = selectionToQuote(reader.article(), document.getSelection());

  for (const id of panelIDs) {
    const el = fresh.getElementById(id);
    const current = document.getElementById(id);
    if (el && current && !sameAsServed(current, el)) current.replaceWith(el);
  }

  for (const id of openFolds) document.getElementById(id)?.setAttribute("open", "");
  for (const d of drafts) {
    const el = root.querySelector(`[data-draft="${CSS.escape(d.key)}"]`);
    if (!el) continue;
    el.value = d.value;
    const form = el.closest(".edit-form");
    if (form && d.open) {
      form.hidden = false;
      if (d.version) form.elements.version.value = d.version;
      if (d.conflict) showConflict(form, d.conflict);
    }
    if (d.focus) {
      el.closest("details")?.setAttribute("open", "");
      el.focus({ preventScroll: true });
      el.setSelectionRange?.(d.focus[0], d.focus[1]);
    }
  }
  if (focusedCard) root.querySelector(`[data-annotation-id="${CSS.escape(focusedCard)}"]`)?.focus({ preventScroll: true });
  if (selected) selectOffsets(reader.article(), selected.start, selected.end);
}

// sameAsServed tells whether a panel still shows what the server now
// renders, setting aside what the page itself changed (lit threads, open
// folds and edit forms): then it stays, and nothing under the reader's
// hands moves.
function sameAsServed(current, fresh) {
  const copy = current.cloneNode(true);
  copy.querySelectorAll(".lit").forEach((el) => el.classList.remove("lit"));
  copy.classList.remove("lit");
  copy.querySelectorAll("details[open]").forEach((el) => el.removeAttribute("open"));
  copy.querySelectorAll(".edit-form, .conflict").forEach((el) => (el.hidden = true));
  return copy.isEqualNode(fresh);
}
