/** Prometheus-style durations ("15d", "1h30m", "500ms"), the one notation for time in stack config. */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};
const DURATION_PATTERN = /^((\d+)(ms|y|w|d|h|m|s))+$/;
const PART_PATTERN = /(\d+)(ms|y|w|d|h|m|s)/g;

export const DURATION_HINT = "a positive duration such as 30s, 12h, 7d or 1h30m";

export interface Duration {
  /** As written in config: what Prometheus-family flags accept. */
  text: string;
  milliseconds: number;
}

/** A positive duration, or undefined when the text is not one. */
export function parseDuration(text: string): Duration | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let milliseconds = 0;
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) {
    milliseconds += Number(amount) * UNIT_MS[unit];
  }
  return milliseconds > 0 ? { text, milliseconds } : undefined;
}

export function duration(text: string): Duration {
  const parsed = parseDuration(text);
  if (!parsed) throw new Error(`"${text}" is not ${DURATION_HINT}`);
  return parsed;
}

/** Whole hours, for programs (Loki, Jaeger) whose duration parser has no day unit. */
export function toHours(value: Duration): string {
  return `${Math.ceil(value.milliseconds / UNIT_MS.h)}h`;
}
