import { Settings } from "../../config/settings";
import { bugsinkPlan } from "./bugsink";
import { selfHostedPlan } from "./self-hosted";
import { inStackSentry, TrackerPlan } from "./spec";

/** What the stack's error tracker deploys, or undefined when it runs none (external, disabled). */
export function trackerPlan(settings: Settings): TrackerPlan | undefined {
  const sentry = inStackSentry(settings);
  if (!sentry) return undefined;
  return sentry.mode === "bugsink"
    ? bugsinkPlan(settings, sentry)
    : selfHostedPlan(settings, sentry);
}
