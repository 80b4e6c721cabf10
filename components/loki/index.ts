import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { lokiSpec } from "./spec";

export class Loki extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Loki", name, lokiSpec, args, opts);
  }
}
