import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { installJupyter, kernelSpec, uninstallJupyter, userJupyterDataDir } from "../../../shared/src/cli/jupyter";
import { main } from "../../../shared/src/cli/main";
import { tempDir } from "../../helpers/tmp";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function temp(): string {
  const t = tempDir("embedscope-jupyter-");
  cleanups.push(t.cleanup);
  return t.dir;
}

it("writes the kernelspec and copies the lab extension; uninstall removes both", () => {
  const dir = temp();
  const lab = path.join(dir, "labextension");
  mkdirSync(path.join(lab, "static"), { recursive: true });
  writeFileSync(path.join(lab, "package.json"), '{"name":"@embedscope/jupyterlab"}');
  writeFileSync(path.join(lab, "static", "remoteEntry.js"), "// built");
  const dataDir = path.join(dir, "share", "jupyter");

  const report = installJupyter({ dataDir, kernelScript: "/opt/embedscope/dist/kernel.js", nodePath: "/usr/bin/node", labExtensionDir: lab });
  expect(report.warnings).toEqual([]);
  const spec = JSON.parse(readFileSync(path.join(dataDir, "kernels", "embedscope", "kernel.json"), "utf8"));
  expect(spec).toEqual(kernelSpec("/usr/bin/node", "/opt/embedscope/dist/kernel.js"));
  expect(spec).toMatchObject({ argv: ["/usr/bin/node", "/opt/embedscope/dist/kernel.js", "{connection_file}"], display_name: "Embedscope", language: "embedscope", interrupt_mode: "message" });
  const png = readFileSync(path.join(dataDir, "kernels", "embedscope", "logo-64x64.png"));
  expect(png.subarray(1, 4).toString()).toBe("PNG");
  expect(png.readUInt32BE(16)).toBe(64);
  expect(readFileSync(path.join(dataDir, "labextensions", "@embedscope", "jupyterlab", "static", "remoteEntry.js"), "utf8")).toBe("// built");

  expect(uninstallJupyter(dataDir)).toHaveLength(2);
  expect(existsSync(path.join(dataDir, "kernels", "embedscope"))).toBe(false);
  expect(existsSync(path.join(dataDir, "labextensions", "@embedscope", "jupyterlab"))).toBe(false);
  expect(uninstallJupyter(dataDir)).toEqual([]);
});

it("installs the kernel alone, with a warning, when the lab extension is not built", () => {
  const dir = temp();
  const report = installJupyter({ dataDir: dir, kernelScript: "/k.js", labExtensionDir: path.join(dir, "missing") });
  expect(report.warnings[0]).toMatch(/JupyterLab extension is not built/);
  expect(existsSync(path.join(dir, "kernels", "embedscope", "kernel.json"))).toBe(true);
});

it("finds the user data folder as Jupyter does", () => {
  expect(userJupyterDataDir({ JUPYTER_DATA_DIR: "/x/data" }, "/home/u", "linux")).toBe("/x/data");
  expect(userJupyterDataDir({}, "/home/u", "linux")).toBe("/home/u/.local/share/jupyter");
  expect(userJupyterDataDir({ XDG_DATA_HOME: "/xdg" }, "/home/u", "linux")).toBe("/xdg/jupyter");
});

it("`embedscope jupyter install --prefix DIR` points kernel.json at the built kernel bundle", async () => {
  const dir = temp();
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["jupyter", "install", "--prefix", dir], { out: (t) => out.push(t), err: (t) => err.push(t) });
  expect(code).toBe(0);
  const spec = JSON.parse(readFileSync(path.join(dir, "share", "jupyter", "kernels", "embedscope", "kernel.json"), "utf8"));
  expect(spec.argv[0]).toBe(process.execPath);
  expect(spec.argv[1]).toMatch(/dist\/kernel\.js$/);
  expect(existsSync(spec.argv[1])).toBe(true);
  expect(out.join("\n")).toContain(`wrote ${path.join(dir, "share", "jupyter", "kernels", "embedscope", "kernel.json")}`);

  expect(await main(["jupyter", "install", "--user", "--prefix", dir], { out: () => undefined, err: (t) => err.push(t) })).toBe(2);
  expect(err.at(-1)).toMatch(/either --user or --prefix/);
  expect(await main(["jupyter", "reinstall"], { out: () => undefined, err: (t) => err.push(t) })).toBe(2);
  expect(err.at(-1)).toMatch(/unknown action 'reinstall'; use install or uninstall/);
  expect(await main(["jupyter", "uninstall", "--prefix", dir], { out: (t) => out.push(t), err: () => undefined })).toBe(0);
  expect(existsSync(path.join(dir, "share", "jupyter", "kernels", "embedscope"))).toBe(false);
});
