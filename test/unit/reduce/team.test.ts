import { describe, expect, it } from "vitest";
import { sharedFloat64, Team } from "../../../shared/src/reduce/team";

describe("thread team", () => {
  it("runs a kernel over every part, in workers sharing memory", async () => {
    const team = await Team.create(3);
    try {
      const out = sharedFloat64(10, team.shared);
      await team.run("teamProbe", { out, add: 2 });
      await team.run("teamProbe", { out, add: 0.5 });
      expect(Array.from(out)).toEqual(new Array(10).fill(2.5));
    } finally {
      await team.close();
    }
  });

  it("runs inline with one thread", async () => {
    const team = await Team.create(1);
    const out = sharedFloat64(4, team.shared);
    expect(out.buffer).toBeInstanceOf(ArrayBuffer);
    await team.run("teamProbe", { out, add: 1 });
    expect(Array.from(out)).toEqual([1, 1, 1, 1]);
    await team.close();
  });

  it("reports a kernel's error from a worker and stays usable", async () => {
    const team = await Team.create(2);
    try {
      const out = sharedFloat64(4, team.shared);
      await expect(team.run("teamProbe", { out, add: 1, fail: 1 })).rejects.toThrow(/probe failure in part 1/);
      await team.run("teamProbe", { out, add: 1 });
      expect(Array.from(out)).toEqual([2, 2, 2, 2]);
    } finally {
      await team.close();
    }
  });
});
