/**
 * The interactive run output's MIME type and payload. Kept apart from execute.ts (which pulls in
 * the engine and node:path) so browser bundles — notebook renderers — can import the constant.
 */
import type { ColorBy } from "../types";

/** The custom MIME type of an interactive run output. */
export const RUN_MIME = "application/vnd.embedscope.run+json";

/** What the interactive renderer needs to mount the viewer for one run. */
export interface RunViewPayload {
  version: 1;
  runId: string;
  colorBy: ColorBy;
  title: string;
  pointCount: number;
}

/** Checks untrusted output data (a saved notebook may hold anything) before a renderer uses it. */
export function isRunViewPayload(value: unknown): value is RunViewPayload {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<RunViewPayload>;
  return v.version === 1 && typeof v.runId === "string" && v.runId.length > 0 && typeof v.colorBy === "string";
}
