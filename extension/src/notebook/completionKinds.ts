/** Which kind of word a completion match is, for its icon (pure, so it is tested without VS Code). */
export type MatchKind = "command" | "option" | "value" | "run" | "source";

export function classifyMatch(match: string, runIds: ReadonlySet<string>): MatchKind {
  if (match.startsWith("%")) return "command";
  if (match.endsWith("=")) return "option";
  if (runIds.has(match)) return "run";
  if (match === "demo") return "source";
  return "value";
}
