// The returns API as the form and NPPN's console call it: bearer token from the browser session, ETags
// sent and kept, problem details (RFC 7807) turned into one shape. Never builds HTML from what it reads.
// The API's base comes from config.json: in Azure the function app is another origin (its CORS allows the site's),
// so only what the body carries is relied on, never a response header CORS does not expose (the ETag is also in
// the body as eTag, a download's name falls back to a default).
import { config } from "../config.js";

const api = (path) => config().apiBase + path;

/** A credential kept for this browser tab's session only: sessionStorage, never a URL or localStorage. */
export class Session {
  constructor(key) { this.key = key; }
  get token() { return sessionStorage.getItem(this.key); }
  set token(value) {
    if (value) sessionStorage.setItem(this.key, value);
    else sessionStorage.removeItem(this.key);
  }
}

/**
 * What a call came to: ok with its body and ETag, or a problem with status, title, detail, the field
 * errors of a 422 (field id → messages), its warnings and anything else the problem carried (current).
 */
export class ApiResult {
  constructor(status, body, etag) {
    this.status = status;
    this.body = body;
    this.etag = etag;
  }
  get ok() { return this.status >= 200 && this.status < 300; }
  get title() { return this.body?.title ?? ""; }
  get detail() { return this.body?.detail ?? ""; }
  get errors() { return this.body?.errors ?? {}; }
  get warnings() { return this.body?.warnings ?? []; }
  /** A sentence for the officer: never a raw error or a stack trace. */
  get message() {
    if (this.ok) return "";
    if (this.status === 0) return "The service could not be reached. Check your connection and try again; nothing you typed has been lost.";
    const text = [this.title, this.detail].filter(Boolean).join(" ");
    if (text && this.body?.status) return text;
    return this.status >= 500
      ? "Something went wrong on our side. Try again in a minute; nothing you typed has been lost."
      : `The request was refused (${this.status}).`;
  }
}

export async function call(session, method, path, { body, ifMatch, contentType } = {}) {
  const headers = { Accept: "application/json" };
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  if (ifMatch) headers["If-Match"] = ifMatch;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType ?? "application/json";
    payload = typeof body === "string" || body instanceof Blob ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(api(path), { method, headers, body: payload, credentials: "omit", cache: "no-store" });
  } catch {
    return new ApiResult(0, null, null);
  }
  let parsed = null;
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try { parsed = await response.json(); } catch { parsed = null; }
  }
  return new ApiResult(response.status, parsed, response.headers.get("ETag"));
}

export const get = (session, path) => call(session, "GET", path);

/**
 * Downloads a file the API serves only with the bearer token (a workbook): fetched, then saved through a
 * temporary link to an object URL, under the name the server gives.
 */
export async function download(session, path, fallbackName) {
  let response;
  try {
    response = await fetch(api(path), { headers: { Authorization: `Bearer ${session.token}` }, credentials: "omit", cache: "no-store" });
  } catch {
    return new ApiResult(0, null, null);
  }
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch { parsed = null; }
    return new ApiResult(response.status, parsed, null);
  }
  const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return new ApiResult(response.status, { fileName: name }, null);
}
