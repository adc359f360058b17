/**
 * The user's Embedscope settings (schema/plugin.json) as a typed, observable value. The settings
 * plugin provides it; the viewer panel reads it for the start form's defaults.
 */
import { Token } from "@lumino/coreutils";
import { Signal, type ISignal } from "@lumino/signaling";
import { DEFAULT_SAMPLE_LIMIT } from "../../shared/src/params";
import { EXTENSION_NAME } from "./ids";

export interface EmbedscopeSettings {
  /** Qdrant URL the start form offers first. */
  defaultSourceUrl: string;
  /** Points sampled from a source when the form does not say otherwise. */
  sampleLimit: number;
}

export const DEFAULT_SETTINGS: EmbedscopeSettings = {
  defaultSourceUrl: "http://localhost:6333",
  sampleLimit: DEFAULT_SAMPLE_LIMIT,
};

export interface IEmbedscopeSettings {
  readonly current: EmbedscopeSettings;
  readonly changed: ISignal<IEmbedscopeSettings, EmbedscopeSettings>;
}

export const IEmbedscopeSettings = new Token<IEmbedscopeSettings>(
  `${EXTENSION_NAME}:IEmbedscopeSettings`,
  "The user's Embedscope settings: default source URL and sample limit.",
);

/**
 * Settings from the registry's composite value. The schema already validates; this guards against
 * hand-edited JSON so a bad value falls back to the default instead of reaching the engine.
 */
export function parseSettings(composite: Readonly<Record<string, unknown>>): EmbedscopeSettings {
  const url = composite.defaultSourceUrl;
  const limit = composite.sampleLimit;
  return {
    defaultSourceUrl: typeof url === "string" && /^https?:\/\/\S+$/.test(url.trim()) ? url.trim() : DEFAULT_SETTINGS.defaultSourceUrl,
    sampleLimit: typeof limit === "number" && Number.isInteger(limit) && limit >= 1 ? limit : DEFAULT_SETTINGS.sampleLimit,
  };
}

/** A settings holder that emits when the registry's value changes. */
export class SettingsModel implements IEmbedscopeSettings {
  private value: EmbedscopeSettings = { ...DEFAULT_SETTINGS };
  private readonly changedSignal = new Signal<IEmbedscopeSettings, EmbedscopeSettings>(this);

  get current(): EmbedscopeSettings {
    return this.value;
  }

  get changed(): ISignal<IEmbedscopeSettings, EmbedscopeSettings> {
    return this.changedSignal;
  }

  update(composite: Readonly<Record<string, unknown>>): void {
    const next = parseSettings(composite);
    if (next.defaultSourceUrl === this.value.defaultSourceUrl && next.sampleLimit === this.value.sampleLimit) return;
    this.value = next;
    this.changedSignal.emit(next);
  }
}
