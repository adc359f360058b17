import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { isProcessAlive, watchParent } from "../../../jupyter-ext/kernel/src/parentWatch";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("fires once when JPY_PARENT_PID dies, or when the kernel is re-parented", async () => {
  let alive = true;
  let calls = 0;
  const stop = watchParent(() => calls++, { env: { JPY_PARENT_PID: "4242" }, intervalMs: 10, isAlive: () => alive, currentParent: () => 100 });
  await tick(40);
  expect(calls).toBe(0);
  alive = false;
  await tick(40);
  expect(calls).toBe(1);
  await tick(40);
  expect(calls).toBe(1);
  stop();

  let parent = 100;
  let reparented = 0;
  const stop2 = watchParent(() => reparented++, { env: {}, intervalMs: 10, currentParent: () => parent });
  await tick(30);
  expect(reparented).toBe(0);
  parent = 1;
  await tick(30);
  expect(reparented).toBe(1);
  stop2();
});

it("treats an exited but unreaped (zombie) process as gone", async () => {
  const child = spawn(process.execPath, ["-e", "process.exit(0)"], { stdio: "ignore" });
  expect(isProcessAlive(child.pid!)).toBe(true);
  // Nobody reaps it while this loop spins synchronously; its state becomes Z.
  const until = Date.now() + 3000;
  let seenZombie = false;
  while (Date.now() < until && !seenZombie) seenZombie = !isProcessAlive(child.pid!);
  expect(seenZombie).toBe(true);
  expect(isProcessAlive(process.pid)).toBe(true);
  await new Promise((resolve) => child.on("exit", resolve));
});
