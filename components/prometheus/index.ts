import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { prometheusSpec } from "./spec";

export class Prometheus extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Prometheus", name, prometheusSpec, args, opts);
  }
}
