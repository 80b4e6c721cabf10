import {
  formatBytes,
  formatCpu,
  formatGibibytes,
  parseCpu,
  parseMemory,
} from "../../config/quantity";
import { TrackerServiceSettings } from "../../config/settings";
import { InStackMode } from "./definition";

/**
 * Sentry's own minimum for its errors-only self-hosted set. getsentry/self-hosted's installer
 * refuses a host below it when `COMPOSE_PROFILES=errors-only` (install/_min-requirements.sh:
 * `MIN_RAM_HARD=7000 # MB` and `MIN_CPU_HARD=2`, measured with `free -m`, so MiB; the
 * feature-complete set needs 14000 and 4 there, and develop.sentry.dev/self-hosted asks
 * 16 GB RAM + 16 GB swap and 4 cores for it). Our limits must add up to at least that much.
 */
export const SENTRY_ERRORS_ONLY_MINIMUM = {
  memory: "7000Mi",
  cpu: "2",
  source: "getsentry/self-hosted install/_min-requirements.sh, errors-only",
} as const;

/**
 * The error tracker's budget, kept apart from the stack's (config/presets.ts budgets the
 * telemetry components): Sentry has a floor its makers state; Bugsink has none.
 */
export const TRACKER_BUDGETS: Record<InStackMode, { memory?: string; cpu?: string }> = {
  "self-hosted": { memory: SENTRY_ERRORS_ONLY_MINIMUM.memory, cpu: SENTRY_ERRORS_ONLY_MINIMUM.cpu },
  bugsink: {},
};

export interface TrackerBudgetUse {
  mode: InStackMode;
  /** Bytes and millicores of limits, summed over the mode's services. */
  memory: { used: number; min?: number };
  cpu: { used: number; min?: number };
  perService: { id: string; memory: number; cpu: number }[];
}

export function trackerBudgetUse(
  mode: InStackMode,
  services: TrackerServiceSettings[],
): TrackerBudgetUse {
  const perService = services.map((service) => ({
    id: service.id,
    memory: parseMemory(service.resources.limits.memory)!,
    cpu: parseCpu(service.resources.limits.cpu)!,
  }));
  const minimum = TRACKER_BUDGETS[mode];
  return {
    mode,
    memory: {
      used: perService.reduce((sum, entry) => sum + entry.memory, 0),
      min: minimum.memory === undefined ? undefined : parseMemory(minimum.memory),
    },
    cpu: {
      used: perService.reduce((sum, entry) => sum + entry.cpu, 0),
      min: minimum.cpu === undefined ? undefined : parseCpu(minimum.cpu),
    },
    perService,
  };
}

function largest(use: TrackerBudgetUse, dimension: "memory" | "cpu"): string {
  const format =
    dimension === "memory" ? formatBytes : (value: number) => `${formatCpu(value)} CPU`;
  return [...use.perService]
    .sort((a, b) => b[dimension] - a[dimension])
    .map((entry) => `${entry.id} ${format(entry[dimension])}`)
    .join(", ");
}

/** One message per bound the tracker's limits break, naming Sentry's figure and its source. */
export function trackerBudgetProblems(use: TrackerBudgetUse): string[] {
  const key = "observability-stack:sentry.services.*.resources.limits";
  const source = `Sentry's errors-only minimum (${SENTRY_ERRORS_ONLY_MINIMUM.source})`;
  const problems: string[] = [];
  const { memory, cpu } = use;
  if (memory.min !== undefined && memory.used < memory.min) {
    problems.push(
      `${key}: memory limits sum to ${formatGibibytes(memory.used)}, ${formatBytes(memory.min - memory.used)} under ${source} of ${SENTRY_ERRORS_ONLY_MINIMUM.memory} (${formatGibibytes(memory.min)}); by service: ${largest(use, "memory")}`,
    );
  }
  if (cpu.min !== undefined && cpu.used < cpu.min) {
    problems.push(
      `${key}: CPU limits sum to ${formatCpu(cpu.used)}, ${formatCpu(cpu.min - cpu.used)} under ${source} of ${formatCpu(cpu.min)} CPUs; by service: ${largest(use, "cpu")}`,
    );
  }
  return problems;
}
