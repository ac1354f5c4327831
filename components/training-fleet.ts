import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { asgListShape } from "../tagset/shapes";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";
import { taggingLaunchTemplate } from "./launch-template";

/** Arguments of a `TrainingFleet`: image, instance types, network and capacity. */
export interface TrainingFleetArgs extends AttributedArgs {
    imageId: pulumi.Input<string>;
    /** The first is the launch template's; with `spot`, all are offered to the fleet. */
    instanceTypes: string[];
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    minSize?: pulumi.Input<number>;
    maxSize: pulumi.Input<number>;
    desiredCapacity?: pulumi.Input<number>;
    /** Run on spot capacity above `onDemandBase` instances (default 0). */
    spot?: boolean;
    onDemandBase?: pulumi.Input<number>;
    /** Root volume size; default 200 GiB. */
    volumeSizeGiB?: pulumi.Input<number>;
    iamInstanceProfileArn?: pulumi.Input<string>;
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    userData?: pulumi.Input<string>;
}

/**
 * An autoscaling training fleet: a launch template that tags instances and volumes, and an autoscaling
 * group whose own tags propagate at launch. Spot capable through a mixed-instances policy.
 */
export class TrainingFleet extends AttributedComponent {
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly group: aws.autoscaling.Group;

    constructor(name: string, args: TrainingFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:TrainingFleet", name, args, opts);
        this.launchTemplate = taggingLaunchTemplate(`${name}-lt`, this.resolvedTags, {
            imageId: args.imageId,
            instanceType: args.instanceTypes[0],
            userData: args.userData,
            iamInstanceProfile: args.iamInstanceProfileArn ? { arn: args.iamInstanceProfileArn } : undefined,
            vpcSecurityGroupIds: args.securityGroupIds,
            rootVolumeGiB: args.volumeSizeGiB ?? 200,
            metadataOptions: { httpTokens: "required" },
        }, this.child());
        const template = { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) };
        this.group = new aws.autoscaling.Group(name, {
            minSize: args.minSize ?? 0,
            maxSize: args.maxSize,
            desiredCapacity: args.desiredCapacity,
            vpcZoneIdentifiers: args.subnetIds,
            ...(args.spot
                ? {
                    mixedInstancesPolicy: {
                        instancesDistribution: { onDemandBaseCapacity: args.onDemandBase ?? 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" },
                        launchTemplate: {
                            launchTemplateSpecification: { launchTemplateId: template.id, version: template.version },
                            overrides: args.instanceTypes.map((instanceType) => ({ instanceType })),
                        },
                    },
                }
                : { launchTemplate: template }),
            tags: asgListShape.write<never>(undefined, this.resolvedTags),
        }, this.child());
        this.registerOutputs({ groupName: this.group.name, launchTemplateId: this.launchTemplate.id });
    }
}
