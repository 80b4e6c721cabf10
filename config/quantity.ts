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

export const MEMORY_HINT = "a quantity with a unit, such as 512Mi, 1Gi or 1.5G";
export const CPU_HINT = "cores such as 0.5 or 2, or millicores such as 500m";

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

/**
 * Docker refuses a memory limit (and a reservation) below 6 MiB; no program of the stack runs
 * in less, and a plain number is bytes, so `memory: 512` is a missing unit.
 */
export const MIN_MEMORY = "6Mi";
/**
 * A volume holds a program's data directory; below 1 MiB it holds nothing, and a plain
 * number is bytes, so `storage: 100` is a missing unit (100Gi).
 */
export const MIN_STORAGE = "1Mi";
/** Docker's --cpus takes no less than 0.01 CPU. */
export const MIN_CPU = "10m";

/** What is wrong with a memory or storage quantity, or undefined when it is one and big enough. */
export function memoryProblem(text: string, use: "memory" | "storage"): string | undefined {
  const bytes = parseMemory(text);
  if (bytes === undefined) return `must be ${MEMORY_HINT}`;
  const minimum = use === "memory" ? MIN_MEMORY : MIN_STORAGE;
  if (bytes >= parseMemory(minimum)!) return undefined;
  const why =
    use === "memory"
      ? "Docker refuses a memory limit below 6 MiB"
      : "a smaller volume holds no data directory";
  return `must be at least ${minimum}: ${why}; a number without a unit is bytes (write 512Mi, not 512)`;
}

/** What is wrong with a CPU quantity, or undefined when Docker and Kubernetes both accept it. */
export function cpuProblem(text: string): string | undefined {
  const match = CPU_PATTERN.exec(text);
  if (!match) return `must be ${CPU_HINT}`;
  const millicores = Number(match[1]) * (match[2] === "m" ? 1 : 1000);
  if (millicores < parseCpu(MIN_CPU)!) {
    return `must be at least ${MIN_CPU} (0.01 CPU): Docker's --cpus takes no less`;
  }
  // Compared with a tolerance: 0.001 * 1000 is 1.0000000000000002 in floating point.
  if (Math.abs(millicores - Math.round(millicores)) > 1e-9) {
    return "must be whole millicores, such as 15m or 0.015: Kubernetes refuses a finer CPU amount";
  }
  return undefined;
}

export function formatMemory(bytes: number): string {
  const mebibytes = bytes / 1024 ** 2;
  return Number.isInteger(mebibytes) ? `${mebibytes}Mi` : `${bytes}`;
}

/** In the largest binary unit that holds it exactly: 34359738368 is 32Gi. */
export function formatQuantity(bytes: number): string {
  for (const unit of ["Ti", "Gi", "Mi", "Ki"]) {
    const amount = bytes / MEMORY_UNITS[unit];
    if (Number.isInteger(amount)) return `${amount}${unit}`;
  }
  return `${bytes}`;
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
