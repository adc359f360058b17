/**
 * Python 3.11's timestamp parsing, as the original projection task used it: the C implementation
 * of `datetime.fromisoformat` (Modules/_datetimemodule.c) and `datetime.fromtimestamp(t, UTC)`.
 *
 * Why a byte-level port instead of a regex: 3.11's parser accepts more than ISO 8601 and less
 * than one would guess (any single character — even a multi-byte one — as the date/time
 * separator, "10.5" as 10:00:00.500000, "HHMMSS" followed directly by fraction digits, junk right
 * before an offset, week dates, ",", offsets with seconds and fractions, no "24:00", no ordinal
 * dates). Labels coloured by age must agree with runs made by the original, so the parser walks
 * the UTF-8 bytes exactly as the C code does, including its reads of the terminating NUL.
 * Differentially tested against /usr/bin/python3 (3.11) on generated strings.
 *
 * Results are whole milliseconds since the epoch (JS `Date` precision): microseconds are
 * floored. Where Python would raise something other than ValueError (OverflowError from
 * `astimezone` near year 1/9999, or from an infinite timestamp) — which would abort the whole
 * original run — we return null, i.e. "unknown".
 */

const MIN_YEAR = 1;
const MAX_YEAR = 9999;
/** Seconds from 0001-01-01T00:00:00Z and to 9999-12-31T23:59:59Z, the datetime range. */
const MIN_EPOCH_SECONDS = -62135596800;
const MAX_EPOCH_SECONDS = 253402300799;
const DAY_US = 86_400_000_000;
const UTF8 = new TextEncoder();

/** Fields of a parsed ISO string; `offset` is null for a naive time. */
export interface IsoDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** Whole seconds and the signed microsecond remainder, as the C parser keeps them. */
  offset: { seconds: number; microseconds: number } | null;
}

function isLoneSurrogate(ch: string): boolean {
  if (ch.length !== 1) return false;
  const c = ch.charCodeAt(0);
  return c >= 0xd800 && c <= 0xdfff;
}

function isDigitByte(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** A NUL-terminated byte view: reads past the end see 0, as C reads the terminator. */
class CBytes {
  constructor(readonly bytes: Uint8Array) {}
  at(i: number): number {
    return i >= 0 && i < this.bytes.length ? this.bytes[i] : 0;
  }
  get length(): number {
    return this.bytes.length;
  }
}

/** parse_digits: exactly `count` ASCII digits; returns the new position or -1. */
function parseDigits(s: CBytes, pos: number, count: number, out: { v: number }): number {
  let v = 0;
  for (let i = 0; i < count; i++) {
    const d = s.at(pos++) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  out.v = v;
  return pos;
}

/** _find_isoformat_datetime_separator. */
function findSeparator(s: CBytes): number {
  const len = s.length;
  if (len === 7) return 7;
  const DASH = 0x2d;
  const W = 0x57;
  if (s.at(4) === DASH) {
    if (s.at(5) === W) {
      if (len < 8) return -1;
      if (len > 8 && s.at(8) === DASH) {
        if (len === 9) return -1;
        if (len > 10 && isDigitByte(s.at(10))) return 8;
        return 10;
      }
      return 8;
    }
    return 10;
  }
  if (s.at(4) === W) {
    let idx = 7;
    while (idx < len && isDigitByte(s.at(idx))) idx++;
    if (idx < 9) return idx;
    return idx % 2 === 0 ? 7 : 8;
  }
  return 8;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Proleptic Gregorian date of ISO week `week`, weekday `day` (1 = Monday) of `isoYear`. */
function isoWeekToDate(isoYear: number, week: number, day: number): { year: number; month: number; day: number } | null {
  // Year 0 is outside the datetime range; 3.11 always ends in ValueError there.
  if (isoYear < MIN_YEAR) return null;
  const jan1 = new Date(0);
  jan1.setUTCFullYear(isoYear, 0, 1);
  const jan1Weekday = (jan1.getUTCDay() + 6) % 7; // 0 = Monday
  if (week <= 0 || week >= 53) {
    const has53 = jan1Weekday === 3 || (jan1Weekday === 2 && isLeap(isoYear));
    if (!(week === 53 && has53)) return null;
  }
  if (day <= 0 || day >= 8) return null;
  let week1Monday = jan1.getTime() - jan1Weekday * 86_400_000;
  if (jan1Weekday > 3) week1Monday += 7 * 86_400_000;
  const d = new Date(week1Monday + ((week - 1) * 7 + day - 1) * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** parse_isoformat_date; returns null on any failure code. */
function parseDate(s: CBytes, len: number): { year: number; month: number; day: number } | null {
  const v = { v: 0 };
  let p = parseDigits(s, 0, 4, v);
  if (p < 0) return null;
  const year = v.v;
  const usesSeparator = s.at(p) === 0x2d;
  if (usesSeparator) p++;
  if (s.at(p) === 0x57) {
    p++;
    p = parseDigits(s, p, 2, v);
    if (p < 0) return null;
    const week = v.v;
    let day = 1;
    // len is a size_t in C: -1 (an ambiguous "YYYY-Www-") compares as huge.
    if (len < 0 || p < len) {
      if (usesSeparator && s.at(p++) !== 0x2d) return null;
      p = parseDigits(s, p, 1, v);
      if (p < 0) return null;
      day = v.v;
    }
    return isoWeekToDate(year, week, day);
  }
  p = parseDigits(s, p, 2, v);
  if (p < 0) return null;
  const month = v.v;
  if (usesSeparator && s.at(p++) !== 0x2d) return null;
  p = parseDigits(s, p, 2, v);
  if (p < 0) return null;
  return { year, month, day: v.v };
}

/** parse_hh_mm_ss_ff results; reused objects, since this runs once or twice per stored point. */
interface HmsF {
  rv: number;
  h: number;
  m: number;
  s: number;
  us: number;
}

const FRACTION_CORRECTION = [100000, 10000, 1000, 100, 10];
const digits = { v: 0 };

/** parse_hh_mm_ss_ff over [start, end) into `out`: rv 0 = clean end, 1 = trailing bytes, <0 = failure. */
function parseHmsF(s: CBytes, start: number, end: number, out: HmsF): void {
  out.rv = 0;
  out.h = out.m = out.s = out.us = 0;
  let p = start;
  let hasSeparator = true;
  for (let i = 0; i < 3; i++) {
    p = parseDigits(s, p, 2, digits);
    if (p < 0) {
      out.rv = -3;
      return;
    }
    if (i === 0) out.h = digits.v;
    else if (i === 1) out.m = digits.v;
    else out.s = digits.v;
    const c = s.at(p++);
    if (i === 0) hasSeparator = c === 0x3a;
    if (p >= end) {
      out.rv = c !== 0 ? 1 : 0;
      return;
    } else if (hasSeparator && c === 0x3a) {
      continue;
    } else if (c === 0x2e || c === 0x2c) {
      break;
    } else if (!hasSeparator) {
      p--;
    } else {
      out.rv = -4;
      return;
    }
  }
  const remains = end - p;
  const toParse = remains >= 6 ? 6 : remains;
  p = parseDigits(s, p, toParse, digits);
  if (p < 0) {
    out.rv = -3;
    return;
  }
  // C indexes correction[to_parse - 1]; to_parse is never 0 here because p < end.
  out.us = toParse < 6 ? digits.v * FRACTION_CORRECTION[toParse - 1] : digits.v;
  while (isDigitByte(s.at(p))) p++;
  out.rv = s.at(p) !== 0 ? 1 : 0;
}

const timePart: HmsF = { rv: 0, h: 0, m: 0, s: 0, us: 0 };
const zonePart: HmsF = { rv: 0, h: 0, m: 0, s: 0, us: 0 };

/**
 * parse_isoformat_time over bytes [start, start + len): fills `timePart` (the clock) and
 * `zonePart` (the offset, signed), returns rv: 0 naive, 1 with offset, <0 failure.
 */
function parseTime(s: CBytes, start: number, len: number): number {
  const end = start + len;
  zonePart.rv = zonePart.h = zonePart.m = zonePart.s = zonePart.us = 0;
  let tzPos = start;
  // A do/while in C: the first byte is examined even when len is 0.
  do {
    const c = s.at(tzPos);
    if (c === 0x5a || c === 0x2b || c === 0x2d) break;
  } while (++tzPos < end);

  parseHmsF(s, start, tzPos, timePart);
  if (timePart.rv < 0) return timePart.rv;
  if (tzPos === end) return timePart.rv === 1 ? -5 : 0;
  if (s.at(tzPos) === 0x5a) return s.at(tzPos + 1) !== 0 ? -5 : 1;

  const sign = s.at(tzPos) === 0x2d ? -1 : 1;
  parseHmsF(s, tzPos + 1, end, zonePart);
  const rv = zonePart.rv !== 0 ? -5 : 1;
  zonePart.h *= sign;
  zonePart.m *= sign;
  zonePart.s *= sign;
  zonePart.us *= sign;
  return rv;
}

/** Bytes a UTF-8 lead byte says its character takes, as the C code skips the separator. */
function utf8SkipLength(lead: number): number {
  if ((lead & 0x80) === 0) return 1;
  switch (lead & 0xf0) {
    case 0xe0:
      return 3;
    case 0xf0:
      return 4;
    default:
      return 2;
  }
}

const EMPTY = new Uint8Array(0);

/** The bytes of an all-ASCII string (the common case, no allocation of code point arrays), else null. */
function asciiBytes(text: string): Uint8Array | null {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return null;
    out[i] = c;
  }
  return out;
}

/**
 * UTF-8 bytes as CPython sees the string: code points counted for the 7-character minimum, a
 * lone surrogate at code point 7, 8 or 10 (the first found) read as the "T" separator, and any
 * other lone surrogate making the string unencodable (null).
 */
function utf8Bytes(text: string): Uint8Array | null {
  const chars = Array.from(text); // code points; lone surrogates stay single
  if (chars.length < 7) return null;
  for (const pos of [7, 8, 10]) {
    if (pos > chars.length) break;
    if (pos < chars.length && isLoneSurrogate(chars[pos])) {
      chars[pos] = "T";
      break;
    }
  }
  if (chars.some(isLoneSurrogate)) return null;
  return UTF8.encode(chars.join(""));
}

/** `datetime.fromisoformat(text)` of Python 3.11, or null where it raises ValueError. */
export function pyFromIsoformat(text: string): IsoDateTime | null {
  const s = new CBytes(asciiBytes(text) ?? utf8Bytes(text) ?? EMPTY);
  if (s.length < 7) return null;

  const separator = findSeparator(s);
  const date = parseDate(s, separator);
  if (!date) return null;
  let rv = 0;
  timePart.h = timePart.m = timePart.s = timePart.us = 0;
  if (s.length > separator) {
    const start = separator + utf8SkipLength(s.at(separator));
    if (start > s.length) return null; // cannot happen for valid UTF-8 after a parsed date
    rv = parseTime(s, start, s.length - start);
    if (rv < 0) return null;
  }

  let offset: IsoDateTime["offset"] = null;
  if (rv === 1) {
    const tzSeconds = zonePart.h * 3600 + zonePart.m * 60 + zonePart.s;
    // tzinfo_from_isoformat_results: a zero seconds part means UTC, dropping any microseconds.
    if (tzSeconds === 0) {
      offset = { seconds: 0, microseconds: 0 };
    } else {
      const total = tzSeconds * 1_000_000 + zonePart.us;
      if (total <= -DAY_US || total >= DAY_US) return null;
      offset = { seconds: tzSeconds, microseconds: zonePart.us };
    }
  }

  const { year, month, day } = date;
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (timePart.h > 23 || timePart.m > 59 || timePart.s > 59 || timePart.us > 999_999) return null;
  return { year, month, day, hour: timePart.h, minute: timePart.m, second: timePart.s, microsecond: timePart.us, offset };
}

/**
 * Epoch milliseconds of a parsed ISO value converted to UTC (naive counts as UTC), or null when
 * Python's `astimezone(UTC)` would overflow the year range.
 */
export function isoToEpochMs(iso: IsoDateTime): number | null {
  let ms = Date.UTC(iso.year, iso.month - 1, iso.day, iso.hour, iso.minute, iso.second);
  if (iso.year < 100) {
    // Date.UTC maps years 0..99 to 1900..1999.
    const local = new Date(0);
    local.setUTCFullYear(iso.year, iso.month - 1, iso.day);
    local.setUTCHours(iso.hour, iso.minute, iso.second, 0);
    ms = local.getTime();
  }
  let remainderUs = iso.microsecond;
  if (iso.offset && iso.offset.seconds !== 0) {
    ms -= iso.offset.seconds * 1000;
    remainderUs -= iso.offset.microseconds;
  }
  ms += Math.floor(remainderUs / 1000);
  const seconds = Math.floor(ms / 1000);
  if (seconds < MIN_EPOCH_SECONDS || seconds > MAX_EPOCH_SECONDS) return null;
  return ms;
}

/** Round half to even, as _PyTime_Round(…, ROUND_HALF_EVEN). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/**
 * `datetime.fromtimestamp(seconds, tz=UTC)` as epoch milliseconds, or null where Python raises
 * (NaN, out of the year range 1..9999, infinities).
 */
export function pyFromTimestampMs(seconds: number): number | null {
  if (!Number.isFinite(seconds)) return null;
  let whole = Math.trunc(seconds);
  let us = roundHalfEven((seconds - whole) * 1e6);
  if (us >= 1e6) {
    us -= 1e6;
    whole += 1;
  } else if (us < 0) {
    us += 1e6;
    whole -= 1;
  }
  if (whole < MIN_EPOCH_SECONDS || whole > MAX_EPOCH_SECONDS) return null;
  return whole * 1000 + Math.floor(us / 1000);
}
