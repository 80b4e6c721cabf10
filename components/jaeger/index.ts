import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { jaegerSpec } from "./spec";

export class Jaeger extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Jaeger", name, jaegerSpec, args, opts);
  }
}
