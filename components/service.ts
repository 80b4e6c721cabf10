import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret, Settings } from "../config/settings";
import { Platform, SecretResolver } from "./platforms/platform";
import { ServiceSpec } from "./spec";

export interface ServiceArgs {
  settings: Settings;
  platform: Platform;
  secrets: SecretResolver;
}

/**
 * A service of the stack: builds its platform-neutral spec, then hands it to the platform.
 * Subclasses only name the Pulumi type and the spec builder.
 */
export abstract class ServiceComponent extends pulumi.ComponentResource {
  readonly spec: ServiceSpec;
  readonly endpoints: Record<string, pulumi.Output<string>>;
  protected readonly generated: Partial<Record<GeneratedSecret, pulumi.Output<string>>>;

  protected constructor(
    type: string,
    name: string,
    buildSpec: (settings: Settings) => ServiceSpec,
    args: ServiceArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(`observability-stack:service:${type}`, name, {}, opts);
    this.spec = buildSpec(args.settings);
    this.generated = this.generateSecrets();
    const secrets: SecretResolver = (ref) =>
      this.generated[ref.secret as GeneratedSecret] ?? args.secrets(ref);
    this.endpoints = args.platform.deploy(this.spec, secrets, this).endpoints;
    this.registerOutputs({ endpoints: this.endpoints });
  }

  /** Credentials the service makes for itself (children of this component); none by default. */
  protected generateSecrets(): Partial<Record<GeneratedSecret, pulumi.Output<string>>> {
    return {};
  }
}
