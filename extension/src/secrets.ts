/**
 * Qdrant API keys live in VS Code's SecretStorage (the OS keychain), keyed by URL — never in
 * settings, DuckDB, logs or error messages.
 */
import type * as vscode from "vscode";

const PREFIX = "embedscope.qdrant.apiKey:";

/** One key per server: scheme, host and port, lower-cased, no trailing slash. */
export function credentialKey(url: string): string {
  try {
    const u = new URL(url);
    return `${PREFIX}${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`.toLowerCase();
  } catch {
    return `${PREFIX}${url.trim().replace(/\/+$/, "").toLowerCase()}`;
  }
}

export class QdrantCredentials {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(url: string | undefined): Promise<string | undefined> {
    if (!url) return undefined;
    try {
      return (await this.secrets.get(credentialKey(url))) || undefined;
    } catch {
      return undefined; // No keychain available: behave as "no key stored".
    }
  }

  async set(url: string, apiKey: string | undefined): Promise<void> {
    if (apiKey) await this.secrets.store(credentialKey(url), apiKey);
    else await this.secrets.delete(credentialKey(url));
  }
}
