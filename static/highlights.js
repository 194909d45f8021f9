// Highlights and cards together: the threads under the pointer and the one
// with keyboard focus light up on both sides; a click on a highlight brings
// its thread into view; j and k move between threads, scrolling their
// highlights into view.

// setUpHighlights wires the lighting and the keys. It returns relight(),
// which lights fresh panels the way the old ones were.
export function setUpHighlights(root) {
  // Hover and focus are tracked apart, so that one leaving does not put
  // out the other.
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
  root.addEventListener("mouseover", (e) => light("hover", idsOf(e.target)));
  root.addEventListener("mouseleave", () => light("hover", []));
  root.addEventListener("focusin", (e) => light("focus", idsOf(e.target)));
  root.addEventListener("focusout", (e) => {
    if (!root.contains(e.relatedTarget)) light("focus", []);
  });

  root.addEventListener("click", (e) => {
    const mark = e.target.closest("[data-annotation-ids]");
    if (!mark || !document.getSelection().isCollapsed) return;
    const card = cardOf(root, mark.dataset.annotationIds.split(" ")[0]);
    card?.closest("details")?.setAttribute("open", "");
    card?.focus();
  });

  document.addEventListener("keydown", (e) => {
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

  return () => light("hover", lit.hover);
}

// idsOf lists the threads an element belongs to: a highlight's, or a card's.
function idsOf(el) {
  const mark = el.closest?.("[data-annotation-ids]");
  if (mark) return mark.dataset.annotationIds.split(" ");
  const card = el.closest?.("[data-annotation-id]");
  return card ? [card.dataset.annotationId] : [];
}

function cardOf(root, id) {
  return root.querySelector(`[data-testid="annotation-card"][data-annotation-id="${CSS.escape(id)}"]`);
}
