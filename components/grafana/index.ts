import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ServiceArgs, ServiceComponent } from "../service";
import { grafanaSpec } from "./spec";

/** Grafana, with an admin password generated for it and kept secret in state and outputs. */
export class Grafana extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Grafana", name, grafanaSpec, args, opts);
  }

  get adminPassword(): pulumi.Output<string> {
    return pulumi.secret(this.generated.grafanaAdminPassword!);
  }

  protected generateSecrets() {
    const password = new random.RandomPassword(
      "grafana-admin-password",
      { length: 24, special: false },
      { parent: this },
    );
    return { grafanaAdminPassword: password.result };
  }
}
