import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/errors";
import { loadSettings } from "./config/load";
import { readPulumiConfig } from "./config/pulumi-source";
import { Settings } from "./config/settings";
import { GRAFANA_ADMIN_USER } from "./components/grafana/spec";
import { checkStackImages, MissingImagesError } from "./components/platforms/docker-images";
import { ObservabilityStack } from "./components/stack";

/**
 * The program is an async function (Pulumi awaits it and takes its result as the stack's
 * outputs), so that the checks that need the network finish before the first resource is
 * registered: bad config, then (on Docker) an image that cannot be had, stops the program with
 * every problem listed and nothing created, in `pulumi preview` as in `pulumi up`.
 */
export = async () => {
  const settings = await checkedSettings();
  const config = new pulumi.Config();

  const stack = new ObservabilityStack("observability", {
    settings,
    configSecret: (key) => config.requireSecret(key),
  });

  return {
    environment: settings.environment,
    target: settings.target,
    urls: stack.urls,
    grafanaAdminUser: GRAFANA_ADMIN_USER,
    // null rather than undefined when Grafana is disabled, so the output is listed either way.
    grafanaAdminPassword: stack.grafanaAdminPassword ?? null,
    // The error tracker (sentry.mode): where it is, its admin, and the DSN services report to.
    errorTracker: {
      mode: stack.errorTracking.mode,
      url: stack.errorTracking.url ?? null,
      adminUser: stack.errorTracking.adminUser ?? null,
    },
    errorTrackerAdminPassword: stack.errorTracking.adminPassword ?? null,
    sentryDsn: stack.errorTracking.dsn ?? null,
  };
};

/** The stack's settings once they and its images pass; our refusals print their message alone. */
async function checkedSettings(): Promise<Settings> {
  try {
    const settings = loadSettings(readPulumiConfig());
    await checkStackImages(settings);
    return settings;
  } catch (error) {
    // RunError prints its message without a JavaScript stack trace.
    if (error instanceof ConfigError || error instanceof MissingImagesError) {
      throw new pulumi.RunError(error.message);
    }
    throw error;
  }
}
