/** Saves bytes as a file through an object-URL download (the browser host; no server-side paths). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function bytesToBlob(data: Uint8Array, mimeType: string): Blob {
  // Copy into a plain ArrayBuffer: the bytes may be a view on a larger (or shared) buffer.
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return new Blob([copy.buffer], { type: mimeType });
}
