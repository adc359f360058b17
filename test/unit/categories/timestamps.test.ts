// The expected values in this file were produced by running the ORIGINAL Python functions
// (packages/webui/tasks/projection.py: _parse_timestamp, _bucket_age) under Python 3.11 over these inputs; they are
// hard-coded so no Python runs at test time. Regenerate the same way if the inputs change.
import { describe, expect, it } from "vitest";
import { AGE_BUCKETS, ageBucket, OTHER_LABEL, OVERFLOW_INDEX, parseTimestamp, UNKNOWN_LABEL } from "../../../shared/src/categories";

/**
 * value → epoch milliseconds (Python's microseconds floored), null for None, or "raises …" where
 * the original raises an exception other than ValueError (it would abort the whole run); the port
 * answers null ("unknown") there.
 */
const TIMESTAMPS: { value: unknown; ms: number | null | string }[] = [
  {"value":0,"ms":0},
  {"value":1,"ms":1000},
  {"value":-1,"ms":-1000},
  {"value":true,"ms":1000},
  {"value":false,"ms":0},
  {"value":1700000000,"ms":1700000000000},
  {"value":1700000000.5,"ms":1700000000500},
  {"value":1700000000.1234567,"ms":1700000000123},
  {"value":-1700000000.25,"ms":-1700000000250},
  {"value":999999999999,"ms":null},
  {"value":1000000000000,"ms":1000000000000},
  {"value":1700000000123,"ms":1700000000123},
  {"value":-1700000000123,"ms":-1700000000123},
  {"value":99999999999999,"ms":99999999999998},
  {"value":100000000000000,"ms":100000000000},
  {"value":1700000000123456,"ms":1700000000123},
  {"value":-1700000000123456,"ms":-1700000000124},
  {"value":0.0000015,"ms":0},
  {"value":0.0000025,"ms":0},
  {"value":-0.0000015,"ms":-1},
  {"value":253402300799,"ms":253402300799000},
  {"value":253402300800,"ms":null},
  {"value":-62135596800,"ms":-62135596800000},
  {"value":-62135596801,"ms":null},
  {"value":253402300799999,"ms":253402300799},
  {"value":253402300800000,"ms":253402300800},
  {"value":100000000000000000000,"ms":null},
  {"value":-100000000000000000000,"ms":null},
  {"value":12345678901234567000,"ms":null},
  {"value":"2025-06-15","ms":1749945600000},
  {"value":"2025-06-15T10:20:30","ms":1749982830000},
  {"value":"2025-06-15T10:20:30Z","ms":1749982830000},
  {"value":"2025-06-15T10:20:30.5Z","ms":1749982830500},
  {"value":"2025-06-15T10:20:30,123456789Z","ms":1749982830123},
  {"value":"2025-06-15T10:20:30+05:30","ms":1749963030000},
  {"value":"2025-06-15T10:20:30-08:00","ms":1750011630000},
  {"value":"2025-06-15T10:20:30+0530","ms":1749963030000},
  {"value":"2025-06-15T10:20:30+05","ms":1749964830000},
  {"value":"2025-06-15T10:20:30+05:30:15.5","ms":1749963014500},
  {"value":"2025-06-15T10:20:30+00:00:00.5","ms":1749982830000},
  {"value":"2025-06-15T10:20:30-00:00","ms":1749982830000},
  {"value":"2025-06-15T10:20:30+24:00","ms":null},
  {"value":"2025-06-15T10:20:30-23:59:59.999999","ms":1750069229999},
  {"value":"2025-06-15 10:20","ms":1749982800000},
  {"value":"2025-06-15T10","ms":1749981600000},
  {"value":"2025-06-15T1020","ms":1749982800000},
  {"value":"2025-06-15T102030","ms":1749982830000},
  {"value":"2025-06-15T102030123","ms":1749982830123},
  {"value":"2025-06-15T10.5","ms":1749981600500},
  {"value":"2025-06-15T10:20.5","ms":1749982800500},
  {"value":"2025-06-15T10:20:30:5","ms":1749982830500},
  {"value":"2025-06-15T10:20:30x+01:00","ms":1749979230000},
  {"value":"2025-06-15T10:20:30 +01:00","ms":1749979230000},
  {"value":"2025-06-15é10:20","ms":1749982800000},
  {"value":"2025-06-15😀10:20","ms":1749982800000},
  {"value":"2025-06-15\ud80010:20","ms":1749982800000},
  {"value":"2025-06-15T10:20:30z","ms":null},
  {"value":"2025-06-15T10:20Zx","ms":null},
  {"value":"2025-06-15Z","ms":1749945600000},
  {"value":"2025-06-15T10:20:30+05:00Z","ms":null},
  {"value":"  2025-06-15T10:20:30Z \n","ms":1749982830000},
  {"value":"　2025-06-15　","ms":1749945600000},
  {"value":"\u001c2025-06-15","ms":1749945600000},
  {"value":"﻿2025-06-15","ms":null},
  {"value":"20250615","ms":1749945600000},
  {"value":"20250615T102030Z","ms":1749982830000},
  {"value":"2025-W24","ms":1749427200000},
  {"value":"2025W24","ms":1749427200000},
  {"value":"2025-W24-7","ms":1749945600000},
  {"value":"2025W247","ms":1749945600000},
  {"value":"2025-W24-7T10:00","ms":1749981600000},
  {"value":"2025W247T1000","ms":1749981600000},
  {"value":"2020-W53-5","ms":1609459200000},
  {"value":"2021-W53-1","ms":null},
  {"value":"2025-W00-1","ms":null},
  {"value":"2025-W24-8","ms":null},
  {"value":"2025-166","ms":null},
  {"value":"2025-1-5","ms":null},
  {"value":"+2025-06-15","ms":null},
  {"value":"0000-01-01","ms":null},
  {"value":"0001-01-01","ms":-62135596800000},
  {"value":"0001-01-01T00:00+01:00","ms":"raises OverflowError"},
  {"value":"9999-12-31T23:59:59.999999","ms":253402300799999},
  {"value":"9999-12-31T23:59-01:00","ms":"raises OverflowError"},
  {"value":"2024-02-29","ms":1709164800000},
  {"value":"2025-02-29","ms":null},
  {"value":"2025-06-15T24:00","ms":null},
  {"value":"2025-06-15T23:60","ms":null},
  {"value":"2025-06-15T23:59:60","ms":null},
  {"value":"2025-06-15T","ms":null},
  {"value":"2025-06-15T1","ms":null},
  {"value":"2025-06-15T10:2","ms":null},
  {"value":"2025-06-15T10:20:30.","ms":null},
  {"value":"garbage","ms":null},
  {"value":"","ms":null},
  {"value":"   ","ms":null},
  {"value":"Z","ms":null},
  {"value":"2025","ms":null},
  {"value":"1700000000","ms":null},
  {"value":"2025-06-15T10:20:30.1234567x","ms":null},
  {"value":"2025-06-1510:20","ms":null},
  {"value":"2025-06-15T10:20:30\u0000","ms":1749982830000},
  {"value":"2025-06-15T10:20Z\u0000x","ms":1749982800000},
  {"value":null,"ms":null},
  {"value":[],"ms":null},
  {"value":["2025-06-15"],"ms":null},
  {"value":{"t":1},"ms":null},
];

const BUCKETS: { ts: string; now: string; bucket: string }[] = [
  {"ts":"2025-06-15T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤1d"},
  {"ts":"2025-06-15T12:00:00.001Z","now":"2025-06-15T12:00:00Z","bucket":"future"},
  {"ts":"2025-06-14T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤1d"},
  {"ts":"2025-06-14T11:59:59.999Z","now":"2025-06-15T12:00:00Z","bucket":"≤7d"},
  {"ts":"2025-06-08T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤7d"},
  {"ts":"2025-06-08T11:59:59.999Z","now":"2025-06-15T12:00:00Z","bucket":"≤30d"},
  {"ts":"2025-05-16T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤30d"},
  {"ts":"2025-05-16T11:59:59.999Z","now":"2025-06-15T12:00:00Z","bucket":"≤90d"},
  {"ts":"2025-03-17T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤90d"},
  {"ts":"2025-03-17T11:59:59.999Z","now":"2025-06-15T12:00:00Z","bucket":"≤180d"},
  {"ts":"2024-12-17T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤180d"},
  {"ts":"2024-12-17T11:59:59.999Z","now":"2025-06-15T12:00:00Z","bucket":"≤1y"},
  {"ts":"2024-06-15T12:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"≤1y"},
  {"ts":"2024-06-15T11:59:59.999Z","now":"2025-06-15T12:00:00Z","bucket":">1y"},
  {"ts":"1970-01-01T00:00:00Z","now":"2025-06-15T12:00:00Z","bucket":">1y"},
  {"ts":"9999-12-31T00:00:00Z","now":"2025-06-15T12:00:00Z","bucket":"future"},
  {"ts":"2024-02-29T00:00:00Z","now":"2025-02-28T00:00:00Z","bucket":"≤1y"},
  {"ts":"2024-02-28T23:59:59.999Z","now":"2025-02-28T00:00:00Z","bucket":">1y"},
];

describe("parseTimestamp matches Python 3.11 _parse_timestamp", () => {
  it.each(TIMESTAMPS.map((r) => [JSON.stringify(r.value), r] as const))("%s", (_name, row) => {
    const parsed = parseTimestamp(row.value);
    const expected = typeof row.ms === "string" ? null : row.ms;
    expect(parsed === null ? null : parsed.getTime()).toBe(expected);
  });

  it("accepts Date objects (Python datetimes) as they are", () => {
    const d = new Date("2025-01-02T03:04:05.678Z");
    expect(parseTimestamp(d)?.getTime()).toBe(d.getTime());
    expect(parseTimestamp(new Date(Number.NaN))).toBeNull();
  });

  it("rejects non-finite numbers instead of crashing like Python's OverflowError", () => {
    expect(parseTimestamp(Number.POSITIVE_INFINITY)).toBeNull();
    expect(parseTimestamp(Number.NaN)).toBeNull();
  });
});

describe("ageBucket matches _bucket_age", () => {
  it.each(BUCKETS.map((r) => [`${r.ts} at ${r.now}`, r] as const))("%s", (_name, row) => {
    expect(ageBucket(new Date(row.ts), new Date(row.now))).toBe(row.bucket);
  });

  it("labels a missing timestamp unknown", () => {
    expect(ageBucket(null, new Date())).toBe(UNKNOWN_LABEL);
  });

  it("exports the buckets in legend order and the original's constants", () => {
    expect(AGE_BUCKETS).toEqual(["≤1d", "≤7d", "≤30d", "≤90d", "≤180d", "≤1y", ">1y", "future", "unknown"]);
    expect([UNKNOWN_LABEL, OTHER_LABEL, OVERFLOW_INDEX]).toEqual(["unknown", "Other", 255]);
  });
});
