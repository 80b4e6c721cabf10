import { PROBE_JOB } from "../../components/sentry/probe";
import { probeSuccess } from "../../metrics/exporters/blackbox";
import { sel } from "../../metrics/promql";
import { RulePack } from "../types";
import { fires, quiet, series } from "./lib";

const job = PROBE_JOB;

/**
 * The stack's error tracker (Bugsink or Sentry), seen through its probe: while it is down,
 * services' error reports are lost. Quiet where no tracker runs in the stack (no series).
 */
export const errorTrackingPack: RulePack = {
  name: "error-tracking",
  description: "The in-stack error tracker's endpoints, probed by its blackbox exporter.",
  groups: [
    {
      name: "error-tracking",
      rules: [
        {
          alert: "ErrorTrackerDown",
          severity: "warning",
          for: "2m",
          threshold: 0,
          thresholdKind: "state",
          expr: (threshold) => `${sel(probeSuccess, { job })} == ${threshold}`,
          summary: "The error tracker does not answer: services' error reports are being lost.",
          description:
            "{{ $labels.service }} ({{ $labels.tracker }}) has failed its health check at {{ $labels.instance }} for 2 minutes.",
        },
      ],
    },
  ],
  tests: [
    {
      name: "ErrorTrackerDown fires after 2 minutes of failed probes, for the failing endpoint only",
      interval: "1m",
      inputSeries: [
        series(
          probeSuccess,
          {
            job,
            instance: "http://bugsink:8000/health/ready",
            service: "bugsink",
            tracker: "bugsink",
          },
          "1 1 0 0 0 0 0",
        ),
        series(
          probeSuccess,
          {
            job,
            instance: "http://sentry-relay:3000/api/relay/healthcheck/ready/",
            service: "sentry-relay",
            tracker: "self-hosted",
          },
          "1x6",
        ),
      ],
      alerts: [
        quiet("ErrorTrackerDown", "3m"),
        fires("ErrorTrackerDown", "5m", {
          severity: "warning",
          job,
          instance: "http://bugsink:8000/health/ready",
          service: "bugsink",
          tracker: "bugsink",
        }),
      ],
    },
  ],
};
