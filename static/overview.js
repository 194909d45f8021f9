// The overview strip beside the article: each mark is placed level with
// its thread's highlight (the server's first guess is the passage's place
// in the text), and a click scrolls to the highlight. The highlights'
// own click handling then focuses the thread's card.

// setUpOverview wires the strip. It returns place(), to run after fresh
// panels or a change of layout.
export function setUpOverview(reader) {
  const { root } = reader;

  function place() {
    const strip = root.querySelector('[data-testid="overview"]');
    const article = reader.article();
    if (!strip || !article) return;
    const box = article.getBoundingClientRect();
    for (const mark of strip.querySelectorAll('[data-testid="overview-mark"]')) {
      const hl = article.querySelector(`[data-annotation-ids~="${CSS.escape(mark.dataset.annotationIds)}"]`);
      const at = hl ? ((hl.getBoundingClientRect().top - box.top) / Math.max(box.height, 1)) * 100 : Number(mark.dataset.at);
      mark.parentElement.style.top = `${Math.min(Math.max(at, 0), 99)}%`;
    }
  }

  // Registered before the highlights' click handler: the page scrolls to
  // the highlight first, then the card takes the focus.
  root.addEventListener("click", (e) => {
    const mark = e.target.closest('[data-testid="overview-mark"]');
    if (!mark) return;
    e.preventDefault();
    const hl = reader.article().querySelector(`[data-annotation-ids~="${CSS.escape(mark.dataset.annotationIds)}"]`);
    hl?.scrollIntoView({ block: "center" });
  });
  window.addEventListener("resize", place);
  place();
  return place;
}
