// Filters over the threads (tag, author, status, text). The address keeps
// them, so a view can be shared; the panels are swapped in without a reload.

// setUpFilters wires the filter form.
export function setUpFilters(reader) {
  const { root } = reader;
  function apply(form) {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) params.set(k, String(v).trim());
    const qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? `?${qs}` : "") + location.hash);
    reader.refresh();
  }
  root.addEventListener("submit", (e) => {
    if (!e.target.matches("#filters")) return;
    e.preventDefault();
    apply(e.target);
  });
  root.addEventListener("change", (e) => {
    if (e.target.matches("#filters select")) apply(e.target.form);
  });
  root.addEventListener("click", (e) => {
    if (!e.target.matches('[data-testid="filter-clear"]')) return;
    e.preventDefault();
    const form = e.target.closest("form");
    form.reset();
    for (const el of form.elements) if (el.name) el.value = "";
    apply(form);
  });
}
