/**
 * One Qdrant request with a timeout, cancellation, retries with exponential backoff on transient
 * failures (5xx, 429, timeouts, dropped connections), and errors that say what to fix. The API key
 * never appears in a message: every text from the server or the network is scrubbed.
 */
import { CancelledError, InputError, SourceError, redactSecrets } from "../errors";

export interface RetryPolicy {
  /** Retries after the first attempt (default 4: waits of 200, 400, 800, 1600 ms). */
  retries: number;
  baseDelayMs: number;
  /** Injectable for tests. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface QdrantCallOptions {
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 200, sleep: abortableSleep };
const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_RETRY_AFTER_MS = 30_000;

/** Answer of a failed HTTP request as thrown by the client (ApiError of openapi-typescript-fetch). */
interface HttpFailure {
  status: number;
  data?: unknown;
}

function httpFailure(err: unknown): HttpFailure | null {
  if (err instanceof Error && typeof (err as Partial<HttpFailure>).status === "number") return err as Error & HttpFailure;
  return null;
}

/** Network error code of a failed fetch (`TypeError: fetch failed` with a cause), if any. */
function networkCode(err: unknown): string | null {
  const cause = (err as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | undefined)?.cause;
  if (!cause) return null;
  if (typeof cause.code === "string") return cause.code;
  const inner = cause.errors?.find((e) => typeof e.code === "string");
  return typeof inner?.code === "string" ? inner.code : null;
}

const TRANSIENT_NETWORK = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "EAI_AGAIN"]);

export interface CallContext {
  /** URL shown in messages (no credentials). */
  uri: string;
  apiKey: string | undefined;
  /** What is being done, for messages: "reading collection 'docs'". */
  what: string;
}

export class QdrantCaller {
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(options: QdrantCallOptions = {}) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Runs `request` (given a signal that fires on timeout or cancellation) until it succeeds, fails
   * for good, or runs out of retries. `on404` turns a 404 into a specific error.
   */
  async call<T>(ctx: CallContext, request: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, on404?: () => Promise<Error>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new CancelledError();
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let failure: unknown;
      try {
        return await request(combined);
      } catch (err) {
        failure = err;
      }
      if (signal?.aborted) throw new CancelledError();
      const verdict = classify(failure, timeout.aborted, ctx, this.timeoutMs);
      if (verdict.kind === "fatal") {
        if (verdict.status === 404 && on404) throw await on404();
        throw verdict.error;
      }
      if (attempt >= this.retry.retries) {
        throw new SourceError(`${verdict.message} — gave up after ${attempt + 1} attempts. Try again later, or check the server's health.`, verdict.status);
      }
      const backoff = this.retry.baseDelayMs * 2 ** attempt;
      await this.retry.sleep(Math.max(backoff, verdict.retryAfterMs ?? 0), signal);
    }
  }
}

type Verdict =
  | { kind: "fatal"; error: Error; status?: number }
  | { kind: "retry"; message: string; status?: number; retryAfterMs?: number };

function classify(err: unknown, timedOut: boolean, ctx: CallContext, timeoutMs: number): Verdict {
  const scrub = (text: string) => scrubSecret(text, ctx.apiKey);
  const at = `Qdrant at ${ctx.uri}`;
  if (timedOut) return { kind: "retry", message: `${at} did not answer within ${Math.round(timeoutMs / 1000)} s while ${ctx.what}` };

  const http = httpFailure(err);
  if (http) {
    const detail = scrub(serverMessage(http.data) ?? (err as Error).message ?? "");
    const status = http.status;
    if (status === 401 || status === 403) {
      const error = ctx.apiKey
        ? new InputError(`${at} rejected the API key (HTTP ${status}) while ${ctx.what}. Check the key: set QDRANT_API_KEY (or pass --api-key) to a valid key for this server.`, "apiKey")
        : new InputError(`${at} needs an API key (HTTP ${status}) while ${ctx.what}. Set QDRANT_API_KEY (or pass --api-key).`, "apiKey");
      return { kind: "fatal", error, status };
    }
    if (status === 429 || status >= 500) {
      const retryAfter = Number((err as { retry_after?: unknown }).retry_after);
      return {
        kind: "retry",
        status,
        message: `${at} failed while ${ctx.what} (HTTP ${status}${detail ? `: ${detail}` : ""})`,
        retryAfterMs: Number.isFinite(retryAfter) ? Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS) : undefined,
      };
    }
    return { kind: "fatal", status, error: new InputError(`${at} refused ${ctx.what} (HTTP ${status}${detail ? `: ${detail}` : ""}).`, "source") };
  }

  // The client throws this for a 429 that carries Retry-After.
  if (err instanceof Error && err.name === "QdrantClientResourceExhaustedError") {
    const retryAfter = Number((err as { retry_after?: unknown }).retry_after);
    return { kind: "retry", status: 429, message: `${at} is rate-limiting requests while ${ctx.what} (HTTP 429)`, retryAfterMs: Number.isFinite(retryAfter) ? Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS) : undefined };
  }

  const code = networkCode(err);
  if (code === "ECONNREFUSED") {
    return { kind: "fatal", error: new InputError(`cannot reach Qdrant at ${ctx.uri} — is it running? (connection refused while ${ctx.what}). Check the URL and port.`, "url") };
  }
  if (code === "ENOTFOUND") {
    return { kind: "fatal", error: new InputError(`cannot reach Qdrant at ${ctx.uri}: the host name does not resolve. Check the URL.`, "url") };
  }
  if (code && /CERT|SSL|TLS/i.test(code)) {
    return { kind: "fatal", error: new InputError(`cannot reach Qdrant at ${ctx.uri}: TLS problem (${code}). Check the https URL or the server certificate.`, "url") };
  }
  if (code && TRANSIENT_NETWORK.has(code)) return { kind: "retry", message: `${at} dropped the connection while ${ctx.what} (${code})` };
  if (err instanceof Error && err.name === "QdrantClientTimeoutError") return { kind: "retry", message: `${at} timed out while ${ctx.what}` };

  const message = err instanceof Error ? err.message : String(err);
  return { kind: "fatal", error: new SourceError(`${at} failed while ${ctx.what}: ${scrub(message)}${code ? ` (${code})` : ""}`) };
}

function serverMessage(data: unknown): string | null {
  if (typeof data === "string") return data.slice(0, 300) || null;
  const error = (data as { status?: { error?: unknown } } | null | undefined)?.status?.error;
  return typeof error === "string" ? error : null;
}

/** Removes the API key (literally and by pattern) from a text. */
export function scrubSecret(text: string, apiKey: string | undefined): string {
  let out = text;
  if (apiKey) out = out.split(apiKey).join("***");
  return redactSecrets(out);
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
