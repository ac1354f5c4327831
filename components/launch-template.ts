import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { tagSpecificationsShape } from "../tagset/shapes";

/**
 * A launch template whose tag specifications tag the instances, volumes and network interfaces it
 * launches: the only way instances of autoscaling groups and EKS node groups carry tags.
 */
export function taggingLaunchTemplate(name: string, tags: Readonly<Record<string, string>>, args: Omit<aws.ec2.LaunchTemplateArgs, "tags" | "tagSpecifications">, opts: pulumi.CustomResourceOptions): aws.ec2.LaunchTemplate {
    return new aws.ec2.LaunchTemplate(name, { ...args, tagSpecifications: tagSpecificationsShape.write<never>(undefined, tags), tags: { ...tags } }, opts);
}
