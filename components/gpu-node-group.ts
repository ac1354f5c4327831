import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";
import { taggingLaunchTemplate } from "./launch-template";

/** Arguments of a `GpuNodeGroup`: the cluster it joins, its nodes and their scaling. */
export interface GpuNodeGroupArgs extends AttributedArgs {
    clusterName: pulumi.Input<string>;
    nodeRoleArn: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Default `["g5.2xlarge"]`. */
    instanceTypes?: pulumi.Input<pulumi.Input<string>[]>;
    /** Default `AL2_x86_64_GPU`. */
    amiType?: pulumi.Input<string>;
    /** `ON_DEMAND` (default) or `SPOT`. */
    capacityType?: pulumi.Input<string>;
    scaling: { minSize: pulumi.Input<number>; maxSize: pulumi.Input<number>; desiredSize: pulumi.Input<number> };
    /** Root volume size; default 200 GiB. */
    diskSizeGiB?: pulumi.Input<number>;
    labels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    taints?: aws.eks.NodeGroupArgs["taints"];
}

/**
 * An EKS managed node group for GPU work whose instances and volumes are attributable: node-group tags
 * never reach instances (AWS by design), so it launches from a launch template that tags them.
 */
export class GpuNodeGroup extends AttributedComponent {
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly nodeGroup: aws.eks.NodeGroup;

    constructor(name: string, args: GpuNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:GpuNodeGroup", name, args, opts);
        this.launchTemplate = taggingLaunchTemplate(`${name}-lt`, this.resolvedTags, {
            rootVolumeGiB: args.diskSizeGiB ?? 200,
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
        }, this.child());
        this.nodeGroup = new aws.eks.NodeGroup(name, {
            clusterName: args.clusterName,
            nodeRoleArn: args.nodeRoleArn,
            subnetIds: args.subnetIds,
            instanceTypes: args.instanceTypes ?? ["g5.2xlarge"],
            amiType: args.amiType ?? "AL2_x86_64_GPU",
            capacityType: args.capacityType ?? "ON_DEMAND",
            scalingConfig: args.scaling,
            labels: args.labels,
            taints: args.taints,
            launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) },
            tags: this.resolvedTags,
        }, this.child());
        this.registerOutputs({ nodeGroupArn: this.nodeGroup.arn, launchTemplateId: this.launchTemplate.id });
    }
}
