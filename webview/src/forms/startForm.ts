/**
 * The start-run form (also the "recompute with other parameters" form, prefilled from a run).
 * Every field validates as you type with the engine's own messages, shown under the field; the
 * engine's answer to the request is shown the same way.
 */
import { InputError } from "../../../shared/src/errors";
import { BUILTIN_COLOR_BY, REDUCERS, type RunRecord } from "../../../shared/src/types";
import type { ViewerController } from "../controller";
import { errorMessage } from "../controller";
import { h, replaceChildren, setText, uid } from "../dom";
import { formatCount, reducerLabel } from "../format";
import { buildSource, checkForm, fieldForError, PARAM_FIELDS, REDUCER_HELP, type SourceKind, type StartFormValues } from "./formModel";

type Control = HTMLInputElement | HTMLSelectElement;

interface FieldParts {
  wrapper: HTMLElement;
  control: Control;
  error: HTMLElement;
}

export interface StartFormOptions {
  values: StartFormValues;
  /** Field names offered for colour-by besides the builtins (the open run's payload fields). */
  fieldNames?: readonly string[];
  submitLabel?: string;
  onStarted(run: RunRecord): void;
  onCancel?(): void;
}

export class StartForm {
  readonly element: HTMLFormElement;
  private readonly values: StartFormValues;
  private readonly fields = new Map<string, FieldParts>();
  private readonly formError: HTMLElement;
  private readonly sourceInfo: HTMLElement;
  private readonly paramsBox: HTMLElement;
  private readonly reducerHelp: HTMLElement;
  private readonly submit: HTMLButtonElement;
  private readonly sourceGroups: Record<SourceKind, HTMLElement>;
  private readonly collectionsList: HTMLDataListElement;
  private touched = new Set<string>();
  private busy = false;

  constructor(
    private readonly controller: ViewerController,
    private readonly options: StartFormOptions,
  ) {
    this.values = structuredClone(options.values);
    this.formError = h("p", { class: "es-form-error", attrs: { role: "alert", hidden: true } });
    this.sourceInfo = h("p", { class: "es-muted es-source-info", attrs: { "aria-live": "polite" } });
    this.collectionsList = h("datalist", { attrs: { id: uid("es-collections") } });

    const sourceKind = this.select("sourceKind", "Source", [
      ["demo", "Demo (778 SAP Fiori doc chunks)"],
      ["file", "File on the host"],
      ["qdrant", "Qdrant collection"],
    ]);
    const listButton = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, "List collections");
    listButton.addEventListener("click", () => void this.listCollections());
    const checkButton = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, "Check source");
    checkButton.addEventListener("click", () => void this.describeSource());

    this.sourceGroups = {
      demo: h("div", { class: "es-form-group" }),
      file: h(
        "div",
        { class: "es-form-group" },
        this.input("path", "Path", "text", "/data/vectors.parquet", "on the machine running Embedscope").wrapper,
        h(
          "details",
          { class: "es-more" },
          h("summary", {}, "Column options"),
          this.input("vectorColumn", "Vector column", "text", "auto-detect", "").wrapper,
          this.input("idColumn", "ID column", "text", "id, point_id, chunk_id or row number", "").wrapper,
          this.input("payloadPath", "Payload sidecar", "text", "for .npy: a .jsonl or .csv", "").wrapper,
        ),
      ),
      qdrant: h(
        "div",
        { class: "es-form-group" },
        this.input("url", "URL", "url", "http://localhost:6333", "").wrapper,
        h("div", { class: "es-inline" }, this.input("collection", "Collection", "text", "", "").wrapper, listButton, this.collectionsList),
        this.input("vector", "Named vector", "text", "the first dense vector", "").wrapper,
        this.input("apiKey", "API key", "password", "optional", "kept in memory only, never stored").wrapper,
      ),
    };
    const collection = this.fields.get("collection")?.control;
    collection?.setAttribute("list", this.collectionsList.id);
    const apiKey = this.fields.get("apiKey")?.control;
    apiKey?.setAttribute("autocomplete", "off");

    const reducer = this.select("reducer", "Projection", REDUCERS.map((r) => [r, reducerLabel(r)] as [string, string]));
    this.reducerHelp = h("p", { class: "es-muted es-hint" });
    this.paramsBox = h("div", { class: "es-form-grid" });

    const colorList = h("datalist", { attrs: { id: uid("es-colorby") } }, ...[...BUILTIN_COLOR_BY, ...(options.fieldNames ?? []).filter((f) => !(BUILTIN_COLOR_BY as readonly string[]).includes(f))].map((f) => h("option", { attrs: { value: f } })));
    const colorBy = this.input("color_by", "Colour by", "text", "document_id", "builtin or payload field");
    colorBy.control.setAttribute("list", colorList.id);
    this.fields.get("color_by")!.control.value = this.values.colorBy;

    this.submit = h("button", { class: "es-button es-button-primary", attrs: { type: "submit" } }, options.submitLabel ?? "Start run");
    const cancel = options.onCancel ? h("button", { class: "es-button", attrs: { type: "button" } }, "Cancel") : null;
    cancel?.addEventListener("click", () => options.onCancel?.());

    this.element = h(
      "form",
      { class: "es-form", testid: "start-form", attrs: { novalidate: true, "aria-label": "Start a projection run" } },
      h("fieldset", {}, h("legend", {}, "Vectors"), sourceKind.wrapper, this.sourceGroups.demo, this.sourceGroups.file, this.sourceGroups.qdrant, h("div", { class: "es-inline" }, checkButton, this.sourceInfo)),
      h("fieldset", {}, h("legend", {}, "Projection"), reducer.wrapper, this.reducerHelp, this.paramsBox),
      h(
        "fieldset",
        {},
        h("legend", {}, "Display and sampling"),
        h(
          "div",
          { class: "es-form-grid" },
          colorBy.wrapper,
          colorList,
          this.input("sample", "Sample", "number", "200000", "at most this many points, uniformly").wrapper,
          this.input("seed", "Seed", "number", "42", "same seed, same picture").wrapper,
          this.input("label", "Label", "text", "optional name", "").wrapper,
        ),
      ),
      this.formError,
      h("div", { class: "es-form-actions" }, cancel, this.submit),
    );
    this.element.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.onSubmit();
    });
    this.syncFromValues();
  }

  /** Focuses the first control (dialogs call this after opening). */
  focus(): void {
    this.fields.get("sourceKind")?.control.focus();
  }

  // ── building ─────────────────────────────────────────────────────────────

  private field(name: string, label: string, control: Control, hint: string): FieldParts {
    const id = uid(`es-f-${name}`);
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    control.id = id;
    control.name = name;
    control.setAttribute("aria-describedby", hint ? `${hintId} ${errorId}` : errorId);
    const error = h("p", { class: "es-field-error", attrs: { id: errorId, hidden: true } });
    const wrapper = h(
      "div",
      { class: "es-field", attrs: { "data-field": name } },
      h("label", { attrs: { for: id } }, label),
      control,
      hint ? h("p", { class: "es-hint", attrs: { id: hintId } }, hint) : null,
      error,
    );
    const parts = { wrapper, control, error };
    this.fields.set(name, parts);
    control.addEventListener("input", () => this.onInput(name, control.value));
    control.addEventListener("change", () => this.onInput(name, control.value));
    control.addEventListener("blur", () => {
      this.touched.add(name);
      this.validate();
    });
    return parts;
  }

  private input(name: string, label: string, type: string, placeholder: string, hint: string): FieldParts {
    const control = h("input", { class: "es-input", attrs: { type, placeholder, spellcheck: "false", autocomplete: "off" } });
    if (type === "number") control.setAttribute("step", "any");
    return this.field(name, label, control, hint);
  }

  private select(name: string, label: string, options: [string, string][]): FieldParts {
    const control = h("select", { class: "es-input" }, ...options.map(([value, text]) => h("option", { attrs: { value } }, text)));
    return this.field(name, label, control, "");
  }

  private renderParams(): void {
    for (const name of [...this.fields.keys()]) if (name.startsWith("param:")) this.fields.delete(name);
    const items = PARAM_FIELDS[this.values.reducer].map((p) => {
      const key = `param:${p.name}`;
      if (p.kind === "select") {
        const parts = this.select(key, p.label, (p.options ?? []).map((o) => [o, o]));
        parts.control.value = this.values.params[p.name] || p.placeholder;
        return parts.wrapper;
      }
      const parts = this.input(key, p.label, p.kind === "text" ? "text" : "number", p.placeholder, p.hint);
      if (p.kind === "integer") parts.control.setAttribute("step", "1");
      parts.control.value = this.values.params[p.name] ?? "";
      return parts.wrapper;
    });
    replaceChildren(this.paramsBox, ...(items.length ? items : [h("p", { class: "es-muted" }, "PCA has no parameters.")]));
  }

  // ── state ────────────────────────────────────────────────────────────────

  private syncFromValues(): void {
    const v = this.values;
    const set = (name: string, value: string) => {
      const f = this.fields.get(name);
      if (f) f.control.value = value;
    };
    set("sourceKind", v.sourceKind);
    set("path", v.path);
    set("vectorColumn", v.vectorColumn);
    set("idColumn", v.idColumn);
    set("payloadPath", v.payloadPath);
    set("url", v.url);
    set("collection", v.collection);
    set("vector", v.vector);
    set("apiKey", v.apiKey);
    set("reducer", v.reducer);
    set("color_by", v.colorBy);
    set("sample", v.sample);
    set("seed", v.seed);
    set("label", v.label);
    this.showSourceGroup();
    this.renderParams();
    setText(this.reducerHelp, REDUCER_HELP[v.reducer]);
  }

  private showSourceGroup(): void {
    for (const [kind, group] of Object.entries(this.sourceGroups)) group.hidden = kind !== this.values.sourceKind;
    setText(this.sourceInfo, "");
  }

  private onInput(name: string, value: string): void {
    const v = this.values;
    if (name.startsWith("param:")) v.params[name.slice(6)] = value;
    else if (name === "sourceKind") {
      v.sourceKind = value as SourceKind;
      this.showSourceGroup();
    } else if (name === "reducer") {
      v.reducer = value as StartFormValues["reducer"];
      this.renderParams();
      setText(this.reducerHelp, REDUCER_HELP[v.reducer]);
    } else if (name === "color_by") v.colorBy = value;
    else if (name in v) (v as unknown as Record<string, string>)[name] = value;
    this.touched.add(name);
    this.validate();
  }

  /** Shows the errors of touched fields (all of them after a submit attempt). */
  private validate(showAll = false): ReturnType<typeof checkForm> {
    const check = checkForm(this.values);
    for (const [name, parts] of this.fields) {
      const key = name.startsWith("param:") ? name.slice(6) : name;
      const message = check.errors[key];
      const show = Boolean(message) && (showAll || this.touched.has(name));
      this.setFieldError(parts, show ? message : null);
    }
    const formMessage = check.errors.form;
    this.setFormError(showAll && formMessage ? formMessage : null);
    return check;
  }

  private setFieldError(parts: FieldParts, message: string | null): void {
    parts.error.hidden = message === null;
    setText(parts.error, message ?? "");
    if (message) parts.control.setAttribute("aria-invalid", "true");
    else parts.control.removeAttribute("aria-invalid");
  }

  private setFormError(message: string | null): void {
    this.formError.hidden = message === null;
    setText(this.formError, message ?? "");
  }

  private async onSubmit(): Promise<void> {
    if (this.busy) return;
    const check = this.validate(true);
    if (!check.request) {
      const first = [...this.fields.entries()].find(([, p]) => p.control.getAttribute("aria-invalid") === "true");
      first?.[1].control.focus();
      return;
    }
    this.busy = true;
    this.submit.disabled = true;
    setText(this.submit, "Starting…");
    try {
      const run = await this.controller.startRun(check.request);
      // The key was needed once; don't keep it in the DOM.
      this.values.apiKey = "";
      const apiKey = this.fields.get("apiKey");
      if (apiKey) apiKey.control.value = "";
      this.options.onStarted(run);
    } catch (err) {
      if (err instanceof InputError) {
        const where = fieldForError(err.field, this.values);
        const parts = this.fields.get(where) ?? this.fields.get(`param:${where}`);
        if (parts && where !== "form") {
          this.setFieldError(parts, err.message);
          parts.control.focus();
        } else this.setFormError(err.message + (err.hint ? ` — ${err.hint}` : ""));
      } else this.setFormError(errorMessage(err));
    } finally {
      this.busy = false;
      this.submit.disabled = false;
      setText(this.submit, this.options.submitLabel ?? "Start run");
    }
  }

  private async describeSource(): Promise<void> {
    setText(this.sourceInfo, "checking…");
    try {
      const { info } = await this.controller.describeSource(buildSource(this.values));
      const notes = info.notes.length ? ` · ${info.notes.join("; ")}` : "";
      setText(this.sourceInfo, `${formatCount(info.count)} points · ${info.dims} dimensions${info.distance ? ` · ${info.distance}` : ""}${notes}`);
    } catch (err) {
      setText(this.sourceInfo, errorMessage(err));
    }
  }

  private async listCollections(): Promise<void> {
    setText(this.sourceInfo, "listing collections…");
    try {
      const { collections } = await this.controller.listCollections(this.values.url.trim());
      replaceChildren(this.collectionsList, ...collections.map((c) => h("option", { attrs: { value: c } })));
      setText(this.sourceInfo, collections.length ? `collections: ${collections.join(", ")}` : "no collections on this server");
    } catch (err) {
      setText(this.sourceInfo, errorMessage(err));
    }
  }
}
