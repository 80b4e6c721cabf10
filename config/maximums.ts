import { CATALOG } from "../components/catalog";
import { ComponentId } from "../components/definition";
import { TRACKER_SERVICES, TrackerServiceId } from "../components/sentry/definition";
import { problem } from "./errors";
import { PRESETS, Preset, ResourcesText } from "./presets";
import { formatCpu, formatQuantity, parseCpu, parseMemory } from "./quantity";
import { ComponentOverride, StackConfig, TrackerServiceOverride } from "./schema";
import { defaultTrackerStorage } from "./sentry";
import { Settings } from "./settings";

/**
 * How far above its preset a component's limits and volume may go before the value is taken
 * for a unit typo (`Ti` for `Gi` is 1024 times, `G` for `M` 1000 times): 16 times leaves room
 * for any deliberate sizing of one stack, and `components.<id>.maximums` (or
 * `sentry.services.<service>.maximums`) raises the ceiling where a stack needs more.
 */
export const MAXIMUM_FACTOR = 16;

type Dimension = "cpu" | "memory" | "storage";

/** One component or tracker service: what the preset gives it, what it runs with, what the user wrote. */
interface Part {
  path: string[];
  preset: { resources: ResourcesText; storage?: string };
  resources: ResourcesText;
  storage?: string;
  override?: ComponentOverride | TrackerServiceOverride;
}

const QUANTITY: Record<Dimension, { parse(text: string): number; format(n: number): string }> = {
  cpu: { parse: (text) => parseCpu(text)!, format: formatCpu },
  memory: { parse: (text) => parseMemory(text)!, format: formatQuantity },
  storage: { parse: (text) => parseMemory(text)!, format: formatQuantity },
};

/** Every limit or volume above its maximum, blamed on the key the user wrote. */
export function maximumProblems(settings: Settings, config: StackConfig): string[] {
  return parts(settings, config).flatMap((part) =>
    (["cpu", "memory", "storage"] as const).flatMap((dimension) =>
      check(part, dimension, settings),
    ),
  );
}

function check(part: Part, dimension: Dimension, settings: Settings): string[] {
  const quantity = QUANTITY[dimension];
  const value = dimension === "storage" ? part.storage : part.resources.limits[dimension];
  const presetValue =
    dimension === "storage" ? part.preset.storage : part.preset.resources.limits[dimension];
  if (value === undefined || presetValue === undefined || quantity.parse(presetValue) === 0) {
    return [];
  }
  const written = part.override?.maximums?.[dimension];
  const maximum = written ?? quantity.format(quantity.parse(presetValue) * MAXIMUM_FACTOR);
  if (quantity.parse(value) <= quantity.parse(maximum)) return [];
  const valueKey =
    dimension === "storage"
      ? [...part.path, "storage"]
      : [...part.path, "resources", "limits", dimension];
  const maximumKey = [...part.path, "maximums", dimension];
  const userWroteValue =
    dimension === "storage"
      ? part.override?.storage !== undefined
      : part.override?.resources?.limits?.[dimension] !== undefined;
  const name = part.path.join(".");
  if (!userWroteValue) {
    // Only a maximum the user lowered can sit below a preset's own value.
    return [
      problem(
        maximumKey,
        written,
        `must be at least ${valueKey.join(".")}, ${value} (${settings.environment}'s preset): remove it or raise it`,
      ),
    ];
  }
  const origin =
    written === undefined
      ? `${MAXIMUM_FACTOR} times ${settings.environment}'s preset of ${presetValue}, to catch a unit typo such as Ti for Gi`
      : `set by ${maximumKey.join(".")}`;
  return [
    problem(
      valueKey,
      value,
      `must be at most ${maximum}, the maximum for ${name} (${origin}); if you mean it, set ${maximumKey.join(".")} to at least ${value}`,
    ),
  ];
}

function parts(settings: Settings, config: StackConfig): Part[] {
  const preset: Preset = PRESETS[settings.environment];
  const overrides = (config.components ?? {}) as Partial<Record<ComponentId, ComponentOverride>>;
  const components = Object.values(settings.components)
    .filter((component) => component.enabled)
    .map((component) => ({
      path: ["components", component.id],
      preset: {
        resources: preset.resources[component.id],
        storage: CATALOG[component.id].dataPath ? preset.storage[component.id] : undefined,
      },
      resources: component.resources,
      storage: component.storage,
      override: overrides[component.id],
    }));
  const serviceOverrides = (config.sentry?.services ?? {}) as Partial<
    Record<TrackerServiceId, TrackerServiceOverride>
  >;
  const services =
    "services" in settings.sentry
      ? settings.sentry.services.map((service) => ({
          path: ["sentry", "services", service.id],
          preset: {
            resources: preset.sentry.resources[service.id],
            storage: TRACKER_SERVICES[service.id].dataPath
              ? defaultTrackerStorage(preset, service.id)
              : undefined,
          },
          resources: service.resources,
          storage: service.storage,
          override: serviceOverrides[service.id],
        }))
      : [];
  return [...components, ...services];
}
