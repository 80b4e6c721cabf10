import { problem } from "./errors";
import { Environment, ResourcesText } from "./presets";
import { parseCpu, parseMemory } from "./quantity";

/** The resources a user wrote for one component or tracker service, as far as this check needs. */
interface WrittenResources {
  resources?: { limits?: { cpu?: unknown; memory?: unknown } };
}

/**
 * A request above its limit, blamed on the request (a preset's request is lowered with a
 * lowered limit, so a request above its limit is always one the user wrote), saying where
 * the limit comes from: the preset, or the user's own limit key.
 */
export function requestProblems(
  path: readonly string[],
  resources: ResourcesText,
  written: WrittenResources | undefined,
  environment: Environment,
): string[] {
  const dimensions = [
    { name: "memory", label: "memory", parse: parseMemory },
    { name: "cpu", label: "CPU", parse: parseCpu },
  ] as const;
  return dimensions.flatMap(({ name, label, parse }) => {
    const request = resources.requests[name];
    const limit = resources.limits[name];
    if (parse(request)! <= parse(limit)!) return [];
    const limitKey = [...path, "resources", "limits", name].join(".");
    const origin =
      written?.resources?.limits?.[name] === undefined
        ? `${environment}'s preset`
        : `set by ${limitKey}`;
    return [
      problem(
        [...path, "resources", "requests", name],
        request,
        `must not exceed the ${label} limit ${limit} (${origin}); lower the request, or raise ${limitKey} with it`,
      ),
    ];
  });
}
