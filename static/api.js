// Requests to the desk: the one way this script talks to the server. A
// request carries the page's CSRF token, sends and reads JSON, and fails
// with a RequestError whose message a person can read: the server's own
// ({"error":{"code","message"}}), or one saying what went wrong.

// RequestError is a request the desk refused (status, and the error's code
// when it gave one) or could not be sent (status 0).
export class RequestError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "RequestError";
    this.status = status;
    this.code = code;
  }
}

const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.content ?? "";

// request sends method to path with body (any value, sent as JSON) and
// extra headers, and resolves to the answer: parsed JSON, text for other
// types, or null when empty.
export async function request(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { "X-CSRF-Token": csrfToken(), ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new RequestError(0, "unreachable", "The desk could not be reached. What you typed is still here; try again.");
  }
  if (!res.ok) throw await refusal(res);
  const text = await res.text();
  if (text === "") return null;
  return /[/+]json\b/.test(res.headers.get("Content-Type") ?? "") ? JSON.parse(text) : text;
}

// refusal reads the error the desk answered with.
async function refusal(res) {
  const err = await res.json().catch(() => null);
  const message = err?.error?.message || `The desk answered ${res.status} ${res.statusText}`.trim() + ".";
  return new RequestError(res.status, err?.error?.code ?? "", message);
}
