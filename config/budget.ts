import { CATALOG } from "../components/catalog";
import { Environment, PRESETS } from "./presets";
import { formatBytes, formatCpu, formatGibibytes, parseCpu, parseMemory } from "./quantity";
import { ComponentSettings } from "./settings";

export interface ResourceUse {
  /** Bytes of memory limits, summed over enabled components times replicas. */
  memory: number;
  /** Millicores of CPU limits, summed the same way. */
  cpu: number;
  perComponent: { id: string; memory: number; cpu: number }[];
}

export interface BudgetUse {
  environment: Environment;
  use: ResourceUse;
  memory: { used: number; min?: number; max?: number; percentOfMax?: number };
  cpu: { used: number; min?: number; max?: number; percentOfMax?: number };
}

/** A DaemonSet's limits count once: the budget is per node, and it runs one pod per node. */
function instances(component: ComponentSettings): number {
  return CATALOG[component.id].workload === "daemonset" ? 1 : component.replicas;
}

export function resourceUse(components: ComponentSettings[]): ResourceUse {
  const perComponent = components
    .filter((component) => component.enabled)
    .map((component) => ({
      id: component.id,
      memory: parseMemory(component.resources.limits.memory)! * instances(component),
      cpu: parseCpu(component.resources.limits.cpu)! * instances(component),
    }));
  return {
    memory: perComponent.reduce((sum, entry) => sum + entry.memory, 0),
    cpu: perComponent.reduce((sum, entry) => sum + entry.cpu, 0),
    perComponent,
  };
}

function percent(used: number, max: number | undefined): number | undefined {
  return max === undefined ? undefined : Math.round((used / max) * 1000) / 10;
}

export function budgetUse(environment: Environment, components: ComponentSettings[]): BudgetUse {
  const { budget } = PRESETS[environment];
  const use = resourceUse(components);
  const memoryMax = budget.memory.max === undefined ? undefined : parseMemory(budget.memory.max);
  const cpuMax = budget.cpu.max === undefined ? undefined : parseCpu(budget.cpu.max);
  return {
    environment,
    use,
    memory: {
      used: use.memory,
      min: budget.memory.min === undefined ? undefined : parseMemory(budget.memory.min),
      max: memoryMax,
      percentOfMax: percent(use.memory, memoryMax),
    },
    cpu: {
      used: use.cpu,
      min: budget.cpu.min === undefined ? undefined : parseCpu(budget.cpu.min),
      max: cpuMax,
      percentOfMax: percent(use.cpu, cpuMax),
    },
  };
}

function largest(use: ResourceUse, dimension: "memory" | "cpu"): string {
  const format =
    dimension === "memory" ? formatBytes : (value: number) => `${formatCpu(value)} CPU`;
  return [...use.perComponent]
    .sort((a, b) => b[dimension] - a[dimension])
    .map((entry) => `${entry.id} ${format(entry[dimension])}`)
    .join(", ");
}

/** One message per budget bound the components break, with the amount and the components. */
export function budgetProblems(report: BudgetUse): string[] {
  const problems: string[] = [];
  const env = report.environment;
  const memory = report.memory;
  const cpu = report.cpu;
  const key = "observability-stack:components.*.resources.limits";
  if (memory.max !== undefined && memory.used > memory.max) {
    problems.push(
      `${key}: memory limits sum to ${formatGibibytes(memory.used)}, ${formatGibibytes(memory.used - memory.max)} over ${env}'s budget of ${formatGibibytes(memory.max)}; by component: ${largest(report.use, "memory")}`,
    );
  }
  if (memory.min !== undefined && memory.used < memory.min) {
    problems.push(
      `${key}: memory limits sum to ${formatGibibytes(memory.used)}, ${formatGibibytes(memory.min - memory.used)} under ${env}'s minimum of ${formatGibibytes(memory.min)}; by component: ${largest(report.use, "memory")}`,
    );
  }
  if (cpu.max !== undefined && cpu.used > cpu.max) {
    problems.push(
      `${key}: CPU limits sum to ${formatCpu(cpu.used)}, ${formatCpu(cpu.used - cpu.max)} over ${env}'s budget of ${formatCpu(cpu.max)}; by component: ${largest(report.use, "cpu")}`,
    );
  }
  if (cpu.min !== undefined && cpu.used < cpu.min) {
    problems.push(
      `${key}: CPU limits sum to ${formatCpu(cpu.used)}, ${formatCpu(cpu.min - cpu.used)} under ${env}'s minimum of ${formatCpu(cpu.min)}; by component: ${largest(report.use, "cpu")}`,
    );
  }
  return problems;
}
