import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PluginIDs } from "../../../jupyter-ext/src/ids";
import { DEFAULT_SETTINGS, parseSettings, SettingsModel, type EmbedscopeSettings } from "../../../jupyter-ext/src/settings";

const extDir = path.resolve(__dirname, "..", "..", "..", "jupyter-ext");
const schema = JSON.parse(readFileSync(path.join(extDir, "schema", "plugin.json"), "utf8")) as {
  properties: Record<string, { default: unknown; pattern?: string; minimum?: number }>;
  additionalProperties: boolean;
};

describe("JupyterLab extension settings", () => {
  it("declares in schema/plugin.json the same settings and defaults the code falls back to", () => {
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    for (const [key, value] of Object.entries(DEFAULT_SETTINGS)) expect(schema.properties[key].default).toEqual(value);
    expect(schema.additionalProperties).toBe(false);
    // The schema file name is what JupyterLab derives from the settings plugin id.
    expect(PluginIDs.settings).toBe("@embedscope/jupyterlab:plugin");
  });

  it("keeps valid values and replaces hand-edited bad ones by the defaults", () => {
    expect(parseSettings({ defaultSourceUrl: " https://qdrant.internal:6333 ", sampleLimit: 5000 })).toEqual({ defaultSourceUrl: "https://qdrant.internal:6333", sampleLimit: 5000 });
    expect(parseSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({ defaultSourceUrl: "localhost:6333", sampleLimit: 0 })).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({ defaultSourceUrl: 42, sampleLimit: 2.5 })).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings({ defaultSourceUrl: "http://a b", sampleLimit: "100" })).toEqual(DEFAULT_SETTINGS);
    // The schema's URL pattern agrees with the code's check.
    const pattern = new RegExp(schema.properties.defaultSourceUrl.pattern!);
    for (const url of ["http://x:1", "https://q.example/path", "localhost:6333", "ftp://x", "http://a b"]) {
      expect(pattern.test(url)).toBe(parseSettings({ defaultSourceUrl: url }).defaultSourceUrl === url);
    }
  });

  it("emits a change only when a value really changes", () => {
    const model = new SettingsModel();
    const seen: EmbedscopeSettings[] = [];
    model.changed.connect((_, value) => seen.push(value));
    expect(model.current).toEqual(DEFAULT_SETTINGS);
    model.update({ ...DEFAULT_SETTINGS });
    expect(seen).toEqual([]);
    model.update({ defaultSourceUrl: "http://qdrant:6333", sampleLimit: 10 });
    model.update({ defaultSourceUrl: "http://qdrant:6333", sampleLimit: 10 });
    model.update({ defaultSourceUrl: "http://qdrant:6333", sampleLimit: -1 });
    expect(seen).toEqual([
      { defaultSourceUrl: "http://qdrant:6333", sampleLimit: 10 },
      { defaultSourceUrl: "http://qdrant:6333", sampleLimit: DEFAULT_SETTINGS.sampleLimit },
    ]);
    expect(model.current).toEqual(seen[1]);
  });
});
