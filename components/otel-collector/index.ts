import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { otelCollectorSpec } from "./spec";

export class OtelCollector extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("OtelCollector", name, otelCollectorSpec, args, opts);
  }
}
