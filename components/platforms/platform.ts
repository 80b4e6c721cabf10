import * as pulumi from "@pulumi/pulumi";
import { SecretRef } from "../../config/settings";
import { JobSpec, ServiceId, ServiceSpec } from "../spec";

/** Resolves a spec's secret references into Pulumi secrets. */
export type SecretResolver = (ref: SecretRef) => pulumi.Output<string>;

/** What a platform reports back about a deployed service. */
export interface DeployedService {
  /** Address of each published port, as a user reaches it. */
  endpoints: Record<string, pulumi.Output<string>>;
  /** The container or workload: ready when the service is, so later steps can depend on it. */
  workload: pulumi.Resource;
}

/** Ordering between services that need each other (the error tracker's datastores, migrations). */
export interface DeployOptions {
  dependsOn?: pulumi.Resource[];
}

/** One way of running specs: Docker or Kubernetes. Nothing else in the stack knows a platform. */
export interface Platform {
  deploy(
    spec: ServiceSpec<ServiceId>,
    secrets: SecretResolver,
    parent: pulumi.Resource,
    options?: DeployOptions,
  ): DeployedService;
  /** Runs a task to completion; the resource is done when the task is. */
  runJob(
    job: JobSpec,
    secrets: SecretResolver,
    parent: pulumi.Resource,
    options?: DeployOptions,
  ): pulumi.Resource;
}

/** A short, stable digest of config text: changing it rolls the workload. */
export function contentHash(parts: string[]): string {
  // FNV-1a: stable across Node versions and needs no crypto import in rendering code.
  let hash = 0x811c9dc5;
  for (const char of parts.join("\u0000")) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
