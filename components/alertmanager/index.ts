import * as pulumi from "@pulumi/pulumi";
import { ServiceArgs, ServiceComponent } from "../service";
import { alertmanagerSpec } from "./spec";

export class Alertmanager extends ServiceComponent {
  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Alertmanager", name, alertmanagerSpec, args, opts);
  }
}
