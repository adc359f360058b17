/**
 * Modal dialogs on the native <dialog> element: focus moves in and back, Escape closes, the rest of
 * the page is inert while open. Appended inside the viewer so its theme variables apply.
 */
import { h, uid, type Child } from "./dom";

export interface DialogHandle {
  element: HTMLDialogElement;
  close(): void;
  /** Resolves when the dialog closed (by a button, Escape or `close()`). */
  closed: Promise<void>;
}

export interface DialogOptions {
  title: string;
  body: Child | Child[];
  footer?: Child | Child[];
  testid?: string;
  wide?: boolean;
  onClose?: () => void;
}

export function openDialog(parent: HTMLElement, options: DialogOptions): DialogHandle {
  const titleId = uid("es-dialog-title");
  const previousFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const closeButton = h("button", { class: "es-icon-button es-dialog-close", attrs: { type: "button", "aria-label": "Close" } }, "×");
  const dialog = h(
    "dialog",
    { class: `es-dialog${options.wide ? " es-dialog-wide" : ""}`, testid: options.testid, attrs: { "aria-labelledby": titleId } },
    h("header", { class: "es-dialog-header" }, h("h2", { attrs: { id: titleId } }, options.title), closeButton),
    h("div", { class: "es-dialog-body" }, ...(Array.isArray(options.body) ? options.body : [options.body])),
    options.footer ? h("footer", { class: "es-dialog-footer" }, ...(Array.isArray(options.footer) ? options.footer : [options.footer])) : null,
  );
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const close = () => {
    if (dialog.open) dialog.close();
  };
  closeButton.addEventListener("click", close);
  dialog.addEventListener("close", () => {
    dialog.remove();
    options.onClose?.();
    previousFocus?.focus();
    resolveClosed();
  });
  // A click on the backdrop (the dialog element itself, outside its content box) closes it.
  dialog.addEventListener("mousedown", (e) => {
    if (e.target !== dialog) return;
    const r = dialog.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) close();
  });
  parent.appendChild(dialog);
  dialog.showModal();
  return { element: dialog, close, closed };
}

export function confirmDialog(parent: HTMLElement, title: string, message: string, confirmLabel: string, danger = false): Promise<boolean> {
  let confirmed = false;
  const cancel = h("button", { class: "es-button", attrs: { type: "button" } }, "Cancel");
  const ok = h("button", { class: `es-button ${danger ? "es-button-danger" : "es-button-primary"}`, attrs: { type: "button" }, testid: "confirm" }, confirmLabel);
  const handle = openDialog(parent, { title, body: h("p", {}, message), footer: [cancel, ok], testid: "confirm-dialog" });
  cancel.addEventListener("click", () => handle.close());
  ok.addEventListener("click", () => {
    confirmed = true;
    handle.close();
  });
  ok.focus();
  return handle.closed.then(() => confirmed);
}
