/** The "save these bytes" request a webview sends instead of downloading (pure, testable). */

/** Larger than any export of MAX_SAMPLE_LIMIT points; refuses anything absurd from a page. */
const MAX_BYTES = 2 ** 31;

export interface SaveRequest {
  fileName: string;
  data: Uint8Array;
}

/** A safe file name: the last path segment, no control or reserved characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001f<>:"|?*]+/g, "_").replace(/^\.+/, "").trim();
  return cleaned.slice(0, 200) || "embedscope-export";
}

export function isSaveRequest(value: unknown, type: string): value is SaveRequest & { type: string } {
  if (!value || typeof value !== "object") return false;
  const v = value as { type?: unknown; fileName?: unknown; data?: unknown };
  return v.type === type && typeof v.fileName === "string" && v.data instanceof Uint8Array && v.data.byteLength <= MAX_BYTES;
}
