// The threads on a phone. Below the reader's two-column width the threads
// are a sheet over the article: the Threads button at the top opens it,
// "Back to the article" (or Escape) closes it, and a tap on a highlight
// opens it on that highlight's thread. Without this script the button is a
// link to the threads.

// narrow tells whether the page is laid out for a phone.
const narrow = () => window.matchMedia("(max-width: 900px)").matches;

// setUpThreadsSheet wires the sheet. It returns open(), for the other parts.
export function setUpThreadsSheet(root) {
  const toggle = root.querySelector('[data-testid="threads-toggle"]');
  const close = root.querySelector('[data-testid="threads-close"]');
  if (!toggle || !close) return () => {};

  function show(open) {
    root.classList.toggle("threads-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    document.body.style.overflow = open ? "hidden" : "";
  }

  toggle.addEventListener("click", (e) => {
    e.preventDefault();
    show(true);
    close.focus();
  });
  close.addEventListener("click", () => {
    show(false);
    toggle.focus();
  });
  root.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && root.classList.contains("threads-open") && !e.target.closest("form")) {
      show(false);
      toggle.focus();
    }
  });
  // Registered before the highlights' own click handler, so that the card
  // it focuses is on screen.
  root.addEventListener("click", (e) => {
    if (narrow() && e.target.closest("[data-annotation-ids]") && document.getSelection().isCollapsed) show(true);
  });
  return () => show(true);
}
