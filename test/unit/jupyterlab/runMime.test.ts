import { describe, expect, it } from "vitest";
import { RUN_MIME as fromExecute } from "../../../shared/src/magic/execute";
import { isRunViewPayload, RUN_MIME } from "../../../shared/src/magic/runMime";

describe("the run output MIME payload (shared by the kernel and the lab renderer)", () => {
  it("is the same constant the kernel's executor emits", () => {
    expect(RUN_MIME).toBe("application/vnd.embedscope.run+json");
    expect(fromExecute).toBe(RUN_MIME);
  });

  it("accepts what the executor writes and rejects what a tampered notebook might hold", () => {
    expect(isRunViewPayload({ version: 1, runId: "0c1d", colorBy: "document_id", title: "UMAP · demo", pointCount: 778 })).toBe(true);
    for (const bad of [null, "run", [], {}, { version: 2, runId: "x", colorBy: "a" }, { version: 1, runId: "", colorBy: "a" }, { version: 1, runId: 7, colorBy: "a" }, { version: 1, runId: "x" }]) {
      expect(isRunViewPayload(bad)).toBe(false);
    }
  });
});
