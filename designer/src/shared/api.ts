// The one client of the server's API: every page goes through it. Errors are RFC 9457 problem details with a PE code
// (docs/server.md); a browser session sends the antiforgery token on every change (X-CSRF-TOKEN).

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;
  constructor(status: number, title: string, detail: string, code?: string) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.code = code;
  }
}

let csrfToken: string | null = null;

export function setCsrf(token: string | null) {
  csrfToken = token;
}

async function problem(r: Response): Promise<ApiError> {
  let title = r.statusText, detail = "", code: string | undefined;
  try {
    const p = await r.json();
    title = p.title ?? title;
    detail = p.detail ?? "";
    code = p.code;
  } catch {
    // Not JSON: the status says enough.
  }
  return new ApiError(r.status, title, detail, code);
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-TOKEN"] = csrfToken;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  if (!r.ok) throw await problem(r);
  return r;
}

export async function get<T>(path: string): Promise<T> {
  return (await send("GET", path)).json() as Promise<T>;
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const r = await send("POST", path, body);
  return (r.status === 204 ? undefined : await r.json()) as T;
}

/** Query string from the defined values only. */
export function qs(values: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? "?" + s : "";
}

export const enc = encodeURIComponent;

/** A change whose answer is a file (a picture, a diagram), as a Blob. */
export async function postBlob(path: string, body: unknown = {}): Promise<Blob> {
  return (await send("POST", path, body)).blob();
}
