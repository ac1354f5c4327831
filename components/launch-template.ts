import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { tagSpecificationsShape } from "../tagset/shapes";

/**
 * A launch template whose tag specifications tag the instances, volumes and network interfaces it
 * launches (the only way instances of autoscaling groups and EKS node groups carry tags), with an
 * encrypted gp3 root volume.
 */
export function taggingLaunchTemplate(
    name: string,
    tags: Readonly<Record<string, string>>,
    args: Omit<aws.ec2.LaunchTemplateArgs, "tags" | "tagSpecifications" | "blockDeviceMappings"> & { rootVolumeGiB: pulumi.Input<number> },
    opts: pulumi.CustomResourceOptions,
): aws.ec2.LaunchTemplate {
    const { rootVolumeGiB, ...rest } = args;
    return new aws.ec2.LaunchTemplate(name, {
        ...rest,
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: rootVolumeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        tagSpecifications: tagSpecificationsShape.write<never>(undefined, tags),
        tags: { ...tags },
    }, opts);
}
