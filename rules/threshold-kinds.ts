import { bytes, count, percent, seconds, times } from "./text";
import { ThresholdKind } from "./types";

/** The values a threshold of one kind can mean, and how to say so to the person who set it. */
export interface ThresholdRange {
  min: number;
  /** Absent: no upper bound. */
  max?: number;
  /** Only whole numbers (a 0/1 state). */
  whole?: boolean;
  /** What the kind is and allows, with an example, for error messages and docs. */
  allowed: string;
  /** A value of the kind in words (0.05 → "5%"), as alert text writes it. */
  show: (value: number) => string;
}

export const THRESHOLD_KINDS: Record<ThresholdKind, ThresholdRange> = {
  ratio: {
    min: 0,
    max: 1,
    allowed: "is a ratio, between 0 and 1 (0.05 = 5%)",
    show: percent,
  },
  count: { min: 0, allowed: "is a count, 0 or more", show: count },
  perSecond: { min: 0, allowed: "is a rate per second, 0 or more", show: (v) => `${count(v)}/s` },
  factor: { min: 0, allowed: "is a factor, 0 or more (2 = twice)", show: times },
  seconds: {
    min: 0,
    allowed: "is a duration in seconds, 0 or more (0.5 = 500 ms, 600 = 10 minutes)",
    show: seconds,
  },
  hours: {
    min: 0,
    allowed: "is a number of hours, 0 or more (24 = a day)",
    show: (v) => seconds(v * 3600),
  },
  bytes: {
    min: 0,
    allowed: "is a number of bytes, 0 or more (2147483648 = 2 GiB)",
    show: bytes,
  },
  state: {
    min: 0,
    max: 1,
    whole: true,
    allowed: "is the value of a 0/1 state such as up or probe_success: 0 or 1",
    show: count,
  },
};

/** True when the value is one a threshold of the kind can mean. */
export function withinRange(kind: ThresholdKind, value: number): boolean {
  const range = THRESHOLD_KINDS[kind];
  return (
    Number.isFinite(value) &&
    value >= range.min &&
    (range.max === undefined || value <= range.max) &&
    (!range.whole || Number.isInteger(value))
  );
}
