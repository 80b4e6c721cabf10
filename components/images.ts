import { Settings } from "../config/settings";
import { trackerPlan } from "./sentry/plan";
import { buildSpecs } from "./specs";

/**
 * Every image reference a stack deploys, sorted and unique: its components' and, when it runs
 * its own error tracker, the tracker's services, jobs and health probe. The list a user mirrors
 * into a registry an air-gapped cluster can reach; taken from the same specs the platforms
 * deploy and `npm run render` writes.
 */
export function stackImages(settings: Settings): string[] {
  const plan = trackerPlan(settings);
  const images = [
    ...buildSpecs(settings).map((spec) => spec.image),
    ...(plan?.services ?? []).map((spec) => spec.image),
    ...(plan?.jobs ?? []).map((job) => job.image),
  ];
  return [...new Set(images)].sort();
}
