import { Settings } from "../config/settings";
import { trackerPlan } from "./sentry/plan";
import { buildSpecs } from "./specs";

/** One image reference a stack deploys, with the config keys whose `image` chooses it. */
export interface StackImage {
  ref: string;
  /** `components.<id>.image` or `sentry.services.<id>.image`, without the namespace. */
  keys: string[];
}

/**
 * Every image a stack deploys, sorted by reference and unique: its components' and, when it
 * runs its own error tracker, the tracker's services, jobs and health probe. Taken from the
 * same specs the platforms deploy and `npm run render` writes.
 */
export function stackImageUses(settings: Settings): StackImage[] {
  const plan = trackerPlan(settings);
  const uses = [
    ...buildSpecs(settings).map((spec) => ({
      ref: spec.image,
      key: `components.${spec.id}.image`,
    })),
    ...(plan?.services ?? []).map((spec) => ({
      ref: spec.image,
      key: `sentry.services.${spec.id}.image`,
    })),
    // A job runs one of the tracker's service images; it has no image key of its own.
    ...(plan?.jobs ?? []).map((job) => ({ ref: job.image, key: undefined })),
  ];
  const keysByRef = new Map<string, Set<string>>();
  for (const { ref, key } of uses) {
    const keys = keysByRef.get(ref) ?? new Set<string>();
    if (key) keys.add(key);
    keysByRef.set(ref, keys);
  }
  return [...keysByRef.keys()].sort().map((ref) => ({ ref, keys: [...keysByRef.get(ref)!] }));
}

/**
 * Every image reference a stack deploys, sorted and unique: the list a user mirrors into a
 * registry an air-gapped cluster can reach, and the list the Docker target checks before it
 * creates anything (components/platforms/docker-images.ts).
 */
export function stackImages(settings: Settings): string[] {
  return stackImageUses(settings).map((image) => image.ref);
}
