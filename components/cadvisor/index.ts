import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { cadvisorSpec } from "./spec";

export class Cadvisor extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Cadvisor", name, cadvisorSpec, args, opts);
  }
}
