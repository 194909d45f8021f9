// Tags as typed: a comma-separated list, with suggestions from the tags the
// desk knows (the page's <datalist id="tag-suggestions">, most used first)
// that complete the last entry of the field being typed in.

// splitTags turns "a, b,,c " into ["a", "b", "c"].
export function splitTags(value) {
  return value.split(",").map((t) => t.trim()).filter(Boolean);
}

// setUpTagSuggestions keeps the suggestion list in step with any tags field
// that uses it.
export function setUpTagSuggestions(root) {
  const list = document.getElementById("tag-suggestions");
  if (!list) return;
  const known = [...list.options].map((o) => o.value);
  root.addEventListener("input", (e) => {
    if (e.target.getAttribute("list") !== "tag-suggestions") return;
    const value = e.target.value;
    const cut = value.lastIndexOf(",") + 1;
    const head = value.slice(0, cut) + (cut ? " " : "");
    const word = value.slice(cut).trim().toLowerCase();
    const taken = value.slice(0, cut).split(",").map((t) => t.trim().toLowerCase());
    list.replaceChildren(...known
      .filter((t) => t.toLowerCase().startsWith(word) && !taken.includes(t.toLowerCase()))
      .map((t) => new Option("", head + t)));
  });
}
