import { Settings } from "../../config/settings";
import { ServiceSpec } from "../spec";
import { TRACKER_SERVICES, TrackerServiceId } from "./definition";
import { probeSpec } from "./probe";
import { InStackSentry, TrackerPlan, trackerSpec } from "./spec";

/** The stack's admin account in Bugsink (its password is generated: bugsinkSuperuser). */
export const BUGSINK_ADMIN_EMAIL = "admin@observability-stack.local";
/** The team and project the stack creates; services report to this project's DSN. */
export const BUGSINK_TEAM = "observability-stack";
export const BUGSINK_PROJECT = "services";

const PORT = TRACKER_SERVICES.bugsink.ports.http.port;

/**
 * Registers the stack's API token (generated, bugsinkApiToken) as a full-access token, so the
 * stack can create its project through Bugsink's API; a token only Bugsink's UI or
 * `bugsink-manage create_auth_token` would make otherwise. Idempotent at every start.
 */
const REGISTER_TOKEN = [
  "import os",
  "from bsmain.models import AuthToken",
  "t = os.environ['BUGSINK_API_TOKEN']",
  "AuthToken.objects.filter(token=t).exists() or AuthToken.create_full_access(token=t, description='observability-stack')",
].join("; ");

/**
 * The official image's start-up (checks, migrations, the first superuser from
 * CREATE_SUPERUSER, then gunicorn and the snappea worker under monofy), with the token
 * registered before the server starts and an access log without query strings (an SDK sends
 * the DSN's key as `?sentry_key=`). The snappea queue lives in /tmp, an empty directory on
 * Kubernetes, so it is migrated here too.
 */
export function bugsinkCommand(): string[] {
  const script = [
    "bugsink-manage check --deploy --fail-level WARNING",
    "bugsink-manage migrate snappea --database=snappea",
    "bugsink-manage migrate",
    "bugsink-manage prestart",
    `bugsink-manage shell -c "${REGISTER_TOKEN}"`,
    `exec monofy gunicorn --bind=0.0.0.0:${PORT} --workers=2 --no-control-socket --access-logfile - --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(b)s' bugsink.wsgi '|||' bugsink-runsnappea`,
  ].join(" && ");
  return ["/bin/sh", "-c", script];
}

/** Host names Django accepts: the Service and alias, the URL's host, and local checks. */
function allowedHosts(settings: Settings, url: string): string {
  const name = TRACKER_SERVICES.bugsink.serviceName;
  const namespace = settings.kubernetes.namespace;
  return [
    ...new Set([
      name,
      `${name}.${namespace}.svc`,
      `${name}.${namespace}.svc.cluster.local`,
      new URL(url).hostname,
      "localhost",
      "127.0.0.1",
    ]),
  ].join(",");
}

export function bugsinkSpec(
  settings: Settings,
  sentry: InStackSentry,
): ServiceSpec<TrackerServiceId> {
  return trackerSpec(sentry, "bugsink", {
    args: bugsinkCommand(),
    env: {
      PORT: String(PORT),
      BASE_URL: sentry.url,
      ALLOWED_HOSTS: allowedHosts(settings, sentry.url),
      BEHIND_HTTPS_PROXY: sentry.url.startsWith("https:") ? "true" : "false",
      SITE_TITLE: `Bugsink (${settings.stack})`,
      TIME_ZONE: "UTC",
      PHONEHOME: "false",
      // Teams and users are the stack's to create; nobody signs up.
      USER_REGISTRATION: "CB_ADMINS",
      DATABASE_PATH: `${TRACKER_SERVICES.bugsink.dataPath}/db.sqlite3`,
    },
    secretEnv: {
      SECRET_KEY: { secret: "bugsinkSecretKey" },
      CREATE_SUPERUSER: { secret: "bugsinkSuperuser" },
      BUGSINK_API_TOKEN: { secret: "bugsinkApiToken" },
    },
    // Neither the official image nor ours has wget; both have Python.
    dockerHealthCommand: [
      "CMD",
      "python3",
      "-c",
      `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${PORT}${TRACKER_SERVICES.bugsink.health!.path}', timeout=4)`,
    ],
    clients: [TRACKER_SERVICES.probe.serviceName],
  });
}

export function bugsinkPlan(settings: Settings, sentry: InStackSentry): TrackerPlan {
  const bugsink = bugsinkSpec(settings, sentry);
  return {
    mode: "bugsink",
    services: [bugsink, probeSpec(settings, sentry)],
    jobs: [],
    waitsFor: {},
  };
}
