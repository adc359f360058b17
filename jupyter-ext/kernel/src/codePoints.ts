/**
 * Jupyter counts cursor positions in Unicode code points (protocol ≥ 5.2); JavaScript strings
 * index UTF-16 code units. Text with emoji or other astral characters differs.
 */

export function codePointToIndex(text: string, codePoint: number): number {
  let index = 0;
  for (let cp = 0; cp < codePoint && index < text.length; cp++) {
    const c = text.charCodeAt(index);
    index += c >= 0xd800 && c <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  return index;
}

export function indexToCodePoint(text: string, index: number): number {
  let cp = 0;
  for (let i = 0; i < index && i < text.length; cp++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return cp;
}
