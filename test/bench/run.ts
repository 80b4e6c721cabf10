/**
 * npm run bench: figures for the dev model on this machine.
 *   - seconds from `pulumi up` start to every container healthy (the seeds promise < 2 min)
 *   - seconds for a no-change preview
 *   - memory of the running stack (docker stats) against the dev budget
 *   - seconds to construct the prod program under Pulumi mocks
 *   - collector throughput: spans per second accepted over OTLP/HTTP on loopback, with dev
 *     sampling and with prod-like sampling (test/bench/collector.ts)
 *   - when scripts/k8s/up.sh's control plane answers (or with --k8s, alone): the Kubernetes
 *     figures of test/bench/kubernetes.ts
 * The Docker figures use the e2e stack (dev settings, local images; see Pulumi.e2e.yaml).
 */
import { execFileSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { budgetUse } from "../../config/budget";
import { parseMemory } from "../../config/quantity";
import { enabledComponents } from "../../config/settings";
import { CATALOG } from "../../components/catalog";
import { ObservabilityStack } from "../../components/stack";
import { docker, lines } from "../support/docker";
import { waitHealthy } from "../support/e2e";
import { collectorThroughput, printThroughput } from "./collector";
import { kubernetesAvailable, kubernetesFigures, printKubernetesFigures } from "./kubernetes";
import { TestStack } from "../support/pulumi";
import { PROJECT_DIR, stackSettings } from "../support/settings";

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** docker stats reports "12.3MiB / 384MiB"; the first figure is what the container uses. */
function usedBytes(stat: string): number {
  return parseMemory(stat.split("/")[0].trim().replace(/B$/, "")) ?? 0;
}

async function dockerFigures() {
  const settings = stackSettings("e2e");
  const ids = enabledComponents(settings).map((c) => c.id);
  const stack = new TestStack("e2e");
  execFileSync(path.join(PROJECT_DIR, "scripts/e2e/images.sh"), ["e2e"], { stdio: "inherit" });
  try {
    const started = Date.now();
    stack.up();
    // The collector has no Docker health check: waitHealthy asks its endpoint instead.
    await waitHealthy("obs-e2e", settings, ids, 300_000, 500);
    const upToHealthy = seconds(started);
    const previews = [0, 1, 2].map(() => {
      const start = Date.now();
      stack.ok("preview", "--expect-no-changes");
      return seconds(start);
    });
    await new Promise((resolve) => setTimeout(resolve, 20_000)); // let memory settle after start-up
    const stats = lines(
      docker(
        "stats",
        "--no-stream",
        "--format",
        "{{.Name}} {{.MemUsage}}",
        ...ids.map((id) => `obs-e2e-${CATALOG[id].serviceName}`),
      ),
    );
    const memory = stats.map((line) => {
      const [name, ...usage] = line.split(" ");
      return { name, bytes: usedBytes(usage.join(" ")) };
    });
    // Last: it switches the stack to prod-like sampling.
    const throughput = await collectorThroughput(stack, settings);
    return {
      ids,
      throughput,
      upToHealthy,
      preview: median(previews),
      memory,
      budget: budgetUse("dev", enabledComponents(stackSettings("dev"))),
    };
  } finally {
    stack.destroy();
  }
}

async function mockedProdConstruction(): Promise<number> {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    },
    "observability-stack",
    "bench",
    false,
  );
  const settings = stackSettings("prod");
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = Date.now();
    new ObservabilityStack(`bench-${i}`, { settings, configSecret: (key) => pulumi.secret(key) });
    runs.push(seconds(start));
  }
  return median(runs);
}

async function main() {
  // `npm run bench -- --k8s`: the Kubernetes figures alone (test/bench/kubernetes.ts).
  if (process.argv.includes("--k8s")) return printKubernetesFigures(await kubernetesFigures());
  const construct = await mockedProdConstruction();
  const figures = await dockerFigures();
  const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  const total = figures.memory.reduce((sum, entry) => sum + entry.bytes, 0);
  console.log("\nbenchmark (this machine)");
  console.log(
    `  pulumi up -> all healthy (e2e stack: ${figures.ids.join(", ")}): ${figures.upToHealthy} s (target < 120 s)`,
  );
  console.log(`  no-change preview (median of 3): ${figures.preview} s`);
  for (const entry of figures.memory) console.log(`  memory ${entry.name}: ${mib(entry.bytes)}`);
  console.log(
    `  memory of the running stack: ${mib(total)} of the dev budget ${mib(figures.budget.memory.max!)} (${((100 * total) / figures.budget.memory.max!).toFixed(1)} %)`,
  );
  printThroughput(figures.throughput);
  console.log(`  construct the prod program under mocks (median of 5): ${construct} s`);
  // With the local control plane of scripts/k8s up, its figures too.
  if (kubernetesAvailable()) printKubernetesFigures(await kubernetesFigures());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
