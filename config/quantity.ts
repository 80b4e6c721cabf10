/** Kubernetes-style quantities, the one notation for memory and CPU in stack config. */

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};
const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const CPU_PATTERN = /^(\d+(?:\.\d+)?)(m)?$/;

export const MEMORY_HINT = "a quantity such as 512Mi, 1Gi or 1.5G";
export const CPU_HINT = "cores such as 0.5 or millicores such as 500m";

/** Bytes, or undefined when the text is not a memory quantity. */
export function parseMemory(text: string): number | undefined {
  const match = MEMORY_PATTERN.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * MEMORY_UNITS[match[2] ?? ""]);
}

/** Millicores, or undefined when the text is not a CPU quantity. */
export function parseCpu(text: string): number | undefined {
  const match = CPU_PATTERN.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return Math.round(match[2] === "m" ? value : value * 1000);
}

export function formatMemory(bytes: number): string {
  const mebibytes = bytes / 1024 ** 2;
  return Number.isInteger(mebibytes) ? `${mebibytes}Mi` : `${bytes}`;
}

export function formatGibibytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** GiB from 1 GiB up, MiB below: how people read a component's share of a budget. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? formatGibibytes(bytes) : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? `${millicores / 1000}` : `${millicores}m`;
}
