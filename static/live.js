// Live updates: changes others make arrive on the document's event stream
// (Server-Sent Events), and each brings fresh panels. The page names the
// event types to listen to (data-event-types, rendered from the server's
// own list). The browser reconnects by itself and resumes after the last
// event it saw.

// followEvents calls changed, debounced, after events of the document.
export function followEvents(root, changed) {
  const { documentId, lastEvent, eventTypes = "" } = root.dataset;
  if (lastEvent === undefined || !window.EventSource) return;
  const stream = new EventSource(`/api/documents/${encodeURIComponent(documentId)}/events?after=${encodeURIComponent(lastEvent)}`);
  let timer = 0;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(changed, 30);
  };
  for (const type of eventTypes.split(" ").filter(Boolean)) stream.addEventListener(type, soon);
  addEventListener("pagehide", () => stream.close());
}
