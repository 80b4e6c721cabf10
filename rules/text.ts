/**
 * Numbers in alert text, written the way the summaries have always written them. Alert
 * text that states a threshold is a function of the threshold in force (`AlertText`), and
 * formats it with these, so an override in stack config never leaves it stale.
 */

/** A number without floating-point noise: 0.07 * 100 → "7", 1000 → "1000". */
function plain(value: number, digits = 12): string {
  return String(Number(value.toPrecision(digits)));
}

/** A plain count, thousands unseparated: 1000 → "1000", 2.5 → "2.5". */
export function count(value: number): string {
  return plain(value);
}

/** A ratio as a percentage: 0.01 → "1%", 0.025 → "2.5%", 0.9 → "90%". */
export function percent(ratio: number): string {
  return `${plain(ratio * 100)}%`;
}

/** A factor in words: 1 → "once", 2 → "twice", 3 → "3 times", 1.5 → "1.5 times". */
export function times(factor: number): string {
  if (factor === 1) return "once";
  if (factor === 2) return "twice";
  return `${plain(factor)} times`;
}

function unit(value: number, singular: string): string {
  const number = plain(value);
  return `${number} ${number === "1" ? singular : `${singular}s`}`;
}

/**
 * A duration in seconds, in the largest unit that divides it: 0.5 → "500 ms",
 * 1 → "1 second", 2.5 → "2.5 seconds", 600 → "10 minutes", 86400 → "24 hours".
 */
export function seconds(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude > 0 && magnitude < 1) return `${plain(value * 1000)} ms`;
  if (magnitude >= 3600 && magnitude % 3600 === 0) return unit(value / 3600, "hour");
  if (magnitude >= 60 && magnitude % 60 === 0) return unit(value / 60, "minute");
  return unit(value, "second");
}

const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** Bytes in binary units, to two decimals: 2 * 1024 ** 3 → "2 GiB", 1536 → "1.5 KiB". */
export function bytes(value: number): string {
  let index = 0;
  while (index < BINARY_UNITS.length - 1 && Math.abs(value) >= 1024 ** (index + 1)) index++;
  return `${Number((value / 1024 ** index).toFixed(2))} ${BINARY_UNITS[index]}`;
}
