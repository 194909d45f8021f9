// Galley's reader: turns a text selection into code point offsets, posts
// the annotation, and swaps in the article and threads the server renders.
// The server draws every highlight; this script never rebuilds the article.
// Threads (replies, edits, resolving) go through the JSON API; changes made
// by others arrive on the document's event stream and are swapped in the
// same way, keeping whatever the reader is typing.

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

// selectOffsets selects the article text between two code point offsets,
// as selectionToQuote reports them, when the article has been redrawn.
export function selectOffsets(article, start, end) {
  const a = pointAt(article, start);
  const b = pointAt(article, end);
  if (!a || !b) return;
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  const sel = document.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

// pointAt finds the text node and UTF-16 offset of a code point offset.
function pointAt(article, offset) {
  for (const block of article.querySelectorAll("[data-start]")) {
    if (offset < Number(block.dataset.start) || offset > Number(block.dataset.end)) continue;
    let left = offset - Number(block.dataset.start);
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const count = codePoints(n.data);
      if (left <= count) {
        let i = 0;
        for (let k = 0; k < left; k++) i += /[\ud800-\udbff]/.test(n.data[i]) && i + 1 < n.data.length ? 2 : 1;
        return { node: n, offset: i };
      }
      left -= count;
    }
  }
  return null;
}

function setUpReader(root) {
  const docID = root.dataset.documentId;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  const toolbar = root.querySelector("#toolbar");
  const composer = root.querySelector("#composer");
  let pending = null; // the selection being annotated
  let mode = "annotate"; // or "suggest": the composer proposes new wording
  let lastQuote = null; // the last selection in the article, for re-attaching
  const article = () => root.querySelector('[data-testid="article"]');

  // Show the toolbar beside a selection in the article.
  function onSelectionChange() {
    if (!toolbar || (composer && !composer.hidden)) return;
    const quote = selectionToQuote(article(), document.getSelection());
    if (!quote) {
      toolbar.hidden = true;
      return;
    }
    lastQuote = quote;
    const rect = document.getSelection().getRangeAt(0).getBoundingClientRect();
    const host = root.querySelector(".reader-main").getBoundingClientRect();
    toolbar.style.top = `${rect.bottom - host.top + 6}px`;
    toolbar.style.left = `${Math.max(0, rect.left - host.left)}px`;
    toolbar.hidden = false;
  }
  document.addEventListener("selectionchange", onSelectionChange);

  // openComposer opens the composer on the selection: as a new
  // annotation, or (mode "suggest") as a suggested change, whose
  // replacement starts as the passage itself.
  function openComposer(how = "annotate") {
    const quote = selectionToQuote(article(), document.getSelection());
    if (!quote || !composer) return;
    pending = quote;
    mode = how;
    composer.querySelector("#composer-quote").textContent = quote.exact;
    composer.querySelector("#composer-title").textContent = mode === "suggest" ? "Suggest a change" : "New annotation";
    const replacement = composer.querySelector('[data-testid="replacement-input"]');
    composer.querySelector("#replacement-field").hidden = mode !== "suggest";
    replacement.value = mode === "suggest" ? quote.exact : "";
    showError("");
    composer.hidden = false;
    toolbar.hidden = true;
    if (mode === "suggest") {
      replacement.focus();
      replacement.select();
    } else {
      composer.querySelector('[data-testid="comment-input"]').focus();
    }
  }

  function closeComposer() {
    if (composer.contains(document.activeElement)) article().focus({ preventScroll: true });
    pending = null;
    mode = "annotate";
    composer.reset();
    composer.querySelector("#replacement-field").hidden = true;
    composer.hidden = true;
    showError("");
  }

  function showError(message) {
    const alert = composer?.querySelector(".alert");
    if (!alert) return;
    alert.textContent = message;
    alert.hidden = message === "";
  }

  toolbar?.querySelector('[data-testid="annotate-button"]').addEventListener("click", () => openComposer("annotate"));
  toolbar?.querySelector('[data-testid="suggest-button"]')?.addEventListener("click", () => openComposer("suggest"));
  // Keep the selection when the toolbar button is pressed, or Re-attach.
  toolbar?.addEventListener("mousedown", (e) => e.preventDefault());
  root.addEventListener("mousedown", (e) => {
    if (e.target.closest('[data-action="reattach"]')) e.preventDefault();
  });

  composer?.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!pending) return;
    const form = new FormData(composer);
    const body = {
      ...pending,
      comment: form.get("comment").trim(),
      tags: form.get("tags").split(",").map((t) => t.trim()).filter(Boolean),
    };
    if (mode === "suggest") {
      body.motivation = "editing";
      body.replacement = form.get("replacement");
      if (body.replacement === pending.exact) {
        showError("The replacement is the same as the passage; change it, or cancel.");
        return;
      }
    }
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
      const card = root.querySelector(`[data-testid="annotation-card"][data-annotation-id="${CSS.escape(created.id)}"]`);
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

  // Swap in the server-rendered panels, one refresh at a time: a change
  // signalled while one runs gets a refresh of its own after it.
  let refreshing = null;
  let again = false;
  function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      try {
        do {
          again = false;
          const res = await fetch(`/documents/${encodeURIComponent(docID)}/fragments${location.search}`, {
            headers: { Accept: "text/html" },
          });
          if (!res.ok) throw new Error(`refresh: ${res.status}`);
          const tpl = document.createElement("template");
          tpl.innerHTML = await res.text();
          swapFragments(tpl.content);
        } while (again);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  // swapFragments replaces the panels with fresh ones and carries over
  // what the reader was doing: drafts (reply boxes, open edit forms, the
  // status note, the search box) with their caret, the focus, open folds
  // and the selection in the article.
  function swapFragments(fresh) {
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
    const selected = selectionToQuote(article(), document.getSelection());

    for (const id of ["review", "article", "filters", "cards", "orphans", "activity"]) {
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
    if (selected) selectOffsets(article(), selected.start, selected.end);
    light("hover", lit.hover);
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

  // Live updates: every event of this document brings fresh panels. The
  // browser reconnects by itself and resumes after the last event it saw.
  if (root.dataset.lastEvent !== undefined && window.EventSource) {
    const stream = new EventSource(`/api/documents/${encodeURIComponent(docID)}/events?after=${root.dataset.lastEvent}`);
    let timer = 0;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(() => {}), 30);
    };
    for (const type of [
      "annotation.created", "annotation.updated", "annotation.deleted", "annotation.resolved", "annotation.reopened",
      "reply.created", "reply.updated", "reply.deleted", "document.status", "document.revised", "tag.renamed",
      "annotation.orphaned", "suggestion.accepted", "suggestion.rejected",
    ]) {
      stream.addEventListener(type, changed);
    }
    addEventListener("pagehide", () => stream.close());
  }

  // api sends a JSON request with the CSRF token; it resolves to the
  // response, whatever its status.
  function api(method, path, body, headers = {}) {
    const init = { method, headers: { "X-CSRF-Token": csrf, ...headers } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(path, init);
  }
  async function errorText(res) {
    const err = await res.json().catch(() => null);
    return err?.error?.message ?? `The desk answered ${res.status}.`;
  }
  function say(form, message) {
    const alert = form.querySelector(":scope > .alert");
    if (!alert) return;
    alert.textContent = message;
    alert.hidden = message === "";
  }

  // Replies: the plain form works without this; with it, the page stays.
  root.addEventListener("submit", async (e) => {
    const form = e.target;
    if (form.matches(".reply-form")) {
      e.preventDefault();
      const input = form.querySelector('[data-testid="reply-input"]');
      const comment = input.value.trim();
      if (!comment) return;
      const id = form.closest("[data-annotation-id]").dataset.annotationId;
      await send(form, async () => {
        const res = await api("POST", `/api/annotations/${encodeURIComponent(id)}/replies`, { comment });
        if (!res.ok) return say(form, await errorText(res));
        input.value = "";
        say(form, "");
        await refresh();
        root.querySelector(`[data-draft="reply-${CSS.escape(id)}"]`)?.focus({ preventScroll: true });
      });
    } else if (form.matches(".decide-form, .confirm-form")) {
      // Accept, reject, confirm: the plain form works without this.
      e.preventDefault();
      await send(form, async () => {
        const res = await api("POST", `/api${new URL(form.action).pathname}`);
        const alert = form.closest(".card").querySelector('[data-testid="decide-error"]');
        if (!res.ok) {
          if (alert) {
            alert.textContent = await errorText(res);
            alert.hidden = false;
          }
          return;
        }
        await refresh();
      });
    } else if (form.matches(".resolve-form")) {
      e.preventDefault();
      await send(form, async () => {
        const res = await api("POST", `/api${new URL(form.action).pathname}`);
        if (res.ok) await refresh();
      });
    } else if (form.matches(".edit-form")) {
      e.preventDefault();
      await send(form, () => saveEdit(form));
    } else if (form.matches("#filters")) {
      e.preventDefault();
      applyFilter(form);
    }
  });

  // send runs a form's request with its buttons disabled; a network
  // failure keeps what was typed.
  async function send(form, fn) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      await fn();
    } catch {
      say(form, "The desk could not be reached. What you typed is still here; try again.");
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  // Editing a comment or reply sends the version it started from; when
  // someone changed it meanwhile (412) the newer text is shown beside the
  // draft, which is kept, and saving again replaces the newer version.
  async function saveEdit(form) {
    const path = `/api/${form.dataset.kind === "reply" ? "replies" : "annotations"}/${encodeURIComponent(form.dataset.id)}`;
    const body = {};
    if (form.elements.comment) body.comment = form.elements.comment.value;
    if (form.elements.tags) body.tags = form.elements.tags.value.split(",").map((t) => t.trim()).filter(Boolean);
    const res = await api("PATCH", path, body, { "If-Match": `"${form.elements.version.value}"` });
    if (res.status === 412) {
      const current = await fetch(path).then((r) => r.json());
      form.elements.version.value = current.version;
      const tags = current.tags?.length ? `\nTags: ${current.tags.join(", ")}` : "";
      showConflict(form, current.deleted ? "(deleted)" : current.comment + tags);
      return;
    }
    if (!res.ok) return say(form, await errorText(res));
    form.hidden = true;
    await refresh();
  }
  function conflictOf(form) {
    const box = form.querySelector(".conflict");
    return box && !box.hidden ? box.querySelector(".newer").textContent : null;
  }
  function showConflict(form, text) {
    const box = form.querySelector(".conflict");
    box.querySelector(".newer").textContent = text;
    box.hidden = false;
  }

  root.addEventListener("click", async (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button) return;
    const item = button.closest(".reply") ?? button.closest(".card");
    switch (button.dataset.action) {
      case "edit": {
        const form = item.querySelector(":scope > .edit-form");
        form.hidden = false;
        form.querySelector("textarea, input:not([type=hidden])")?.focus();
        break;
      }
      case "cancel-edit": {
        const form = button.closest(".edit-form");
        form.reset();
        form.querySelector(".conflict").hidden = true;
        form.hidden = true;
        break;
      }
      case "reattach": {
        // Re-attach an orphan to the passage selected in the article.
        const alert = item.querySelector('[data-testid="reattach-error"]');
        const quote = selectionToQuote(article(), document.getSelection()) ?? lastQuote;
        const tell = (msg) => {
          if (!alert) return;
          alert.textContent = msg;
          alert.hidden = msg === "";
        };
        if (!quote) {
          tell("Select the passage in the article first, then choose Re-attach.");
          return;
        }
        const id = item.dataset.annotationId;
        const res = await api("POST", `/api/annotations/${encodeURIComponent(id)}/anchor`, quote, {
          "If-Match": `"${item.dataset.version}"`,
        });
        if (!res.ok) {
          tell(await errorText(res));
          return;
        }
        lastQuote = null;
        document.getSelection().removeAllRanges();
        await refresh();
        root.querySelector(`[data-testid="annotation-card"][data-annotation-id="${CSS.escape(id)}"]`)?.focus();
        break;
      }
      case "delete": {
        // A second click confirms; no modal dialog.
        if (button.dataset.armed !== "true") {
          button.dataset.armed = "true";
          button.textContent = "Click again to delete";
          setTimeout(() => {
            button.dataset.armed = "false";
            button.textContent = "Delete";
          }, 4000);
          return;
        }
        const reply = item.matches(".reply");
        const id = reply ? item.dataset.replyId : item.dataset.annotationId;
        const res = await api("DELETE", `/api/${reply ? "replies" : "annotations"}/${encodeURIComponent(id)}`, undefined, {
          "If-Match": `"${item.dataset.version}"`,
        });
        if (!res.ok && res.status !== 412) button.textContent = await errorText(res);
        await refresh();
        break;
      }
    }
  });

  // Ctrl+Enter sends a reply or saves an edit.
  root.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    const form = e.target.closest?.(".reply-form, .edit-form");
    if (!form) return;
    e.preventDefault();
    form.requestSubmit();
  });

  // Filters: the address keeps them, so the view can be shared; the
  // panels are swapped in without a reload.
  function applyFilter(form) {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) params.set(k, String(v).trim());
    const qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? `?${qs}` : "") + location.hash);
    refresh().catch(() => location.reload());
  }
  root.addEventListener("change", (e) => {
    if (e.target.matches("#filters select")) applyFilter(e.target.form);
  });
  root.addEventListener("click", (e) => {
    if (!e.target.matches('[data-testid="filter-clear"]')) return;
    e.preventDefault();
    const form = e.target.closest("form");
    form.reset();
    for (const el of form.elements) if (el.name) el.value = "";
    applyFilter(form);
  });

  // Tag suggestions: the list offers known tags (most used first) that
  // complete the last comma-separated entry of the field being typed in.
  const suggestions = document.getElementById("tag-suggestions");
  const known = suggestions ? [...suggestions.options].map((o) => o.value) : [];
  root.addEventListener("input", (e) => {
    if (!suggestions || e.target.getAttribute("list") !== "tag-suggestions") return;
    const value = e.target.value;
    const cut = value.lastIndexOf(",") + 1;
    const head = value.slice(0, cut) + (cut ? " " : "");
    const word = value.slice(cut).trim().toLowerCase();
    const taken = value.slice(0, cut).split(",").map((t) => t.trim().toLowerCase());
    suggestions.replaceChildren(...known
      .filter((t) => t.toLowerCase().startsWith(word) && !taken.includes(t.toLowerCase()))
      .map((t) => new Option("", head + t)));
  });

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
    const card = root.querySelector(`[data-testid="annotation-card"][data-annotation-id="${CSS.escape(mark.dataset.annotationIds.split(" ")[0])}"]`);
    card?.closest("details")?.setAttribute("open", "");
    card?.focus();
  });

  // Keyboard: j/k move between threads (their highlights scroll into view),
  // Alt+A annotates the selection.
  document.addEventListener("keydown", (e) => {
    if (e.altKey && (e.code === "KeyA" || e.code === "KeyS")) {
      e.preventDefault();
      openComposer(e.code === "KeyS" ? "suggest" : "annotate");
      return;
    }
    if (e.target.closest("input, textarea, select, [contenteditable]") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key !== "j" && e.key !== "k") return;
    const cards = [...root.querySelectorAll('[data-testid="annotation-card"]')].filter((c) => c.checkVisibility());
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
