/** Prometheus-style durations ("15d", "1h30m", "500ms"), the one notation for time in stack config. */

/** Units from the largest down: Prometheus' parser takes each at most once, in this order. */
const UNITS = ["y", "w", "d", "h", "m", "s", "ms"] as const;
type Unit = (typeof UNITS)[number];
const UNIT_MS: Record<Unit, number> = {
  y: 31_536_000_000,
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const PART_PATTERN = /(\d+)(ms|y|w|d|h|m|s)/g;
const PARTS_PATTERN = /^((\d+)(ms|y|w|d|h|m|s))+$/;

/**
 * The longest duration the receiving programs hold: Prometheus (model.Duration), Loki and
 * Jaeger (Go's time.Duration) count nanoseconds in a signed 64-bit integer, 2^63 - 1 ns,
 * about 292 years. In whole milliseconds, the finest unit of the notation.
 */
export const MAX_DURATION_MS = 9_223_372_036_854;

export const DURATION_HINT = "a positive duration such as 30s, 12h, 7d or 1h30m";
const ORDER_HINT = `each unit at most once, from the largest down (${UNITS.join(", ")}), as Prometheus writes durations: such as 1d12h`;

export interface Duration {
  /** As written in config: what Prometheus-family flags accept. */
  text: string;
  milliseconds: number;
}

export interface DurationRules {
  /** `0s` is allowed (an alert's `for: 0s` fires at once); otherwise a duration is positive. */
  zero?: boolean;
}

/** What is wrong with the text as a duration, or undefined when the receiving programs accept it. */
export function durationProblem(text: string, rules: DurationRules = {}): string | undefined {
  const hint = rules.zero ? "a duration such as 0s, 30s, 5m or 1h30m" : DURATION_HINT;
  if (!PARTS_PATTERN.test(text)) return `must be ${hint}`;
  const units = [...text.matchAll(PART_PATTERN)].map(([, , unit]) => unit as Unit);
  for (let index = 1; index < units.length; index++) {
    const [before, unit] = [units[index - 1], units[index]];
    if (unit === before || units.indexOf(unit) < index - 1) {
      return `must be ${hint}, with ${ORDER_HINT}; ${unit} is written twice`;
    }
    if (UNITS.indexOf(unit) < UNITS.indexOf(before)) {
      return `must be ${hint}, with ${ORDER_HINT}; ${unit} comes after ${before}`;
    }
  }
  const milliseconds = totalMilliseconds(text);
  if (milliseconds === 0 && !rules.zero) return `must be ${hint}`;
  if (milliseconds > MAX_DURATION_MS) {
    return `must be at most ${formatDuration(MAX_DURATION_MS)} (about 292y): Prometheus, Loki and Jaeger hold durations as 2^63 nanoseconds`;
  }
  return undefined;
}

function totalMilliseconds(text: string): number {
  let milliseconds = 0;
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) {
    milliseconds += Number(amount) * UNIT_MS[unit as Unit];
  }
  return milliseconds;
}

/** A duration the receiving programs accept (positive unless the rules allow 0), or undefined. */
export function parseDuration(text: string, rules: DurationRules = {}): Duration | undefined {
  if (durationProblem(text, rules) !== undefined) return undefined;
  return { text, milliseconds: totalMilliseconds(text) };
}

export function duration(text: string): Duration {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`"${text}" is not ${DURATION_HINT}`);
  return parsed;
}

/** In Prometheus' notation, largest unit first: 86400000 is 1d, 5400000 is 1h30m. */
export function formatDuration(milliseconds: number): string {
  return formatIn(milliseconds, ["d", "h", "m", "s", "ms"]);
}

/**
 * Exactly, in the units Go's time.ParseDuration knows (no day or week), for programs that
 * parse durations with it (Jaeger): 7d is 168h, 90m is 1h30m.
 */
export function toGoDuration(value: Duration): string {
  return formatIn(value.milliseconds, ["h", "m", "s", "ms"]);
}

function formatIn(milliseconds: number, units: Unit[]): string {
  let rest = milliseconds;
  const parts: string[] = [];
  for (const unit of units) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    rest -= amount * UNIT_MS[unit];
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.length > 0 ? parts.join("") : "0s";
}

/**
 * Loki applies retention per index table, one table per 24 h (the schema's index period): it
 * keeps logs for whole days, and refuses less than one. Refused here rather than rounded, so
 * what the stack keeps is what its config says.
 */
export function lokiRetentionProblem(value: Duration): string | undefined {
  if (value.milliseconds % UNIT_MS.d === 0) return undefined;
  const days = Math.max(1, Math.round(value.milliseconds / UNIT_MS.d));
  return `must be whole days, at least 1d: Loki applies retention per 24h index table; such as ${days}d`;
}
