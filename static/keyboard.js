// Keyboard selection in the article, in any browser's default settings
// (caret browsing off). The article takes the focus with Tab; a caret
// drawn by this script shows where it is; the arrow keys move it (Ctrl or
// Alt by word, Home and End to a block's edges, up and down by line); with
// Shift they extend the selection from where it started; Escape drops the
// selection. The selection is the page's own, so the toolbar, Alt+A and
// the composer work on it as on one made with the mouse.

import { blockEdge, moveCaret } from "./caret.js";
import { offsetAt, pointAt, selectOffsets, selectionToQuote } from "./selection.js";

const moves = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"]);

// setUpKeyboard wires the caret to the article.
export function setUpKeyboard(reader) {
  const { root } = reader;
  const main = root.querySelector(".reader-main");
  const caret = document.createElement("span");
  caret.className = "caret";
  caret.setAttribute("aria-hidden", "true");
  caret.hidden = true;
  main.append(caret);
  let anchor = null; // where the selection started
  let focus = null; // where the caret is

  const blocks = () =>
    [...reader.article().querySelectorAll("[data-start]")].map((b) => ({
      start: Number(b.dataset.start),
      end: Number(b.dataset.end),
      text: b.textContent,
    }));

  // rectAt is the box of a caret at offset, in the viewport.
  function rectAt(offset) {
    const p = pointAt(reader.article(), offset);
    if (!p) return null;
    const range = document.createRange();
    range.setStart(p.node, p.offset);
    const r = range.getClientRects()[0] ?? range.getBoundingClientRect();
    return r.height > 0 ? r : p.node.parentElement.getBoundingClientRect();
  }

  // draw shows the caret; scroll brings it into view (after a key).
  function draw(scroll = false) {
    const r = focus === null ? null : rectAt(focus);
    caret.hidden = !r || document.activeElement !== reader.article();
    if (caret.hidden) return;
    const host = main.getBoundingClientRect();
    caret.style.left = `${r.left - host.left}px`;
    caret.style.top = `${r.top - host.top}px`;
    caret.style.height = `${r.height}px`;
    // Restart the blink, so the caret shows as it moves.
    caret.classList.remove("blink");
    void caret.offsetWidth;
    caret.classList.add("blink");
    if (scroll) caret.scrollIntoView({ block: "nearest" });
  }

  // select shows the selection between anchor and focus as the page's.
  function select() {
    if (anchor === focus) {
      if (selectionToQuote(reader.article(), document.getSelection())) document.getSelection().removeAllRanges();
    } else {
      selectOffsets(reader.article(), Math.min(anchor, focus), Math.max(anchor, focus));
    }
  }

  // sync takes over a selection made with the mouse, or a click's caret.
  function sync() {
    const sel = document.getSelection();
    const quote = selectionToQuote(reader.article(), sel);
    if (quote) {
      // The range's own ends, white space and all (the quote trims it).
      const range = sel.getRangeAt(0);
      const start = offsetAt(range.startContainer, range.startOffset) ?? quote.start;
      const end = offsetAt(range.endContainer, range.endOffset) ?? quote.end;
      if (anchor === null || Math.min(anchor, focus) !== start || Math.max(anchor, focus) !== end) {
        anchor = start;
        focus = end;
      }
      return;
    }
    const at = sel.rangeCount > 0 && sel.isCollapsed && reader.article().contains(sel.focusNode) ? offsetAt(sel.focusNode, sel.focusOffset) : null;
    if (at !== null) anchor = focus = at;
    if (focus === null) {
      const first = blocks()[0];
      anchor = focus = first ? first.start : null;
    }
  }

  // vertical is the offset a line up (dir -1) or down (dir 1) from the
  // caret, found by asking the browser what text lies there.
  // A line off screen is scrolled into view first, once; where the page
  // can scroll no further, the caret stays.
  function vertical(dir, scrolled = false) {
    const r = rectAt(focus);
    if (!r) return focus;
    const x = r.left + 1;
    for (let step = 1; step <= 6; step++) {
      const y = dir > 0 ? r.bottom + (step * r.height) / 2 : r.top - (step * r.height) / 2;
      if (y < 0 || y > innerHeight) {
        if (scrolled) return focus;
        window.scrollBy(0, dir * r.height * 2);
        return vertical(dir, true);
      }
      const pos = document.caretPositionFromPoint?.(x, y);
      const node = pos ? pos.offsetNode : document.caretRangeFromPoint?.(x, y)?.startContainer;
      const offset = pos ? pos.offset : document.caretRangeFromPoint?.(x, y)?.startOffset;
      if (!node || !reader.article().contains(node)) continue;
      const at = offsetAt(node, offset);
      if (at !== null && at !== focus) return at;
    }
    return focus;
  }

  root.addEventListener("keydown", (e) => {
    if (e.target !== reader.article()) return;
    if (e.key === "Escape") {
      sync();
      anchor = focus;
      select();
      draw();
      return;
    }
    if (!moves.has(e.key) || e.metaKey) return;
    e.preventDefault();
    sync();
    const bs = blocks();
    const word = e.ctrlKey || e.altKey;
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") focus = moveCaret(bs, focus, e.key === "ArrowRight" ? 1 : -1, word);
    else if (e.key === "Home" || e.key === "End") focus = blockEdge(bs, focus, e.key === "End" ? 1 : -1);
    else focus = vertical(e.key === "ArrowDown" ? 1 : -1);
    if (!e.shiftKey) anchor = focus;
    select();
    draw(true);
  });
  root.addEventListener("focusin", (e) => {
    if (e.target !== reader.article()) return;
    sync();
    draw();
  });
  root.addEventListener("focusout", (e) => {
    if (e.target === reader.article()) caret.hidden = true;
  });
  // A click in the article moves the caret there.
  root.addEventListener("mouseup", (e) => {
    if (!reader.article().contains(e.target)) return;
    setTimeout(() => {
      sync();
      draw();
    });
  });
  // Fresh panels replace the article: draw the caret on the new one.
  return () => draw();
}
