import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";
import { taggingLaunchTemplate } from "./launch-template";

/** Arguments of a `BatchTrainingEnvironment`: capacity, network and the instances' role. */
export interface BatchTrainingEnvironmentArgs extends AttributedArgs {
    /** Instance types (or families, such as `g5`) Batch may launch. */
    instanceTypes: string[];
    maxVcpus: pulumi.Input<number>;
    minVcpus?: pulumi.Input<number>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The instance profile (ARN or name) the container instances run with, such as `ecsInstanceRole`. */
    instanceRole: pulumi.Input<string>;
    /** Run on spot capacity (price-capacity-optimized). */
    spot?: boolean;
    /** The Batch service role; AWS Batch's service-linked role when omitted. */
    serviceRoleArn?: pulumi.Input<string>;
    /** Root volume size; default 200 GiB. */
    volumeSizeGiB?: pulumi.Input<number>;
    /** Job queue priority; default 1. */
    priority?: pulumi.Input<number>;
}

/**
 * An AWS Batch training environment: a managed EC2 or spot compute environment whose instances carry
 * the tag set (`computeResources.tags`: the environment's own tags reach nothing, AWS by design), launched
 * from a launch template that tags their volumes, and a job queue for it.
 */
export class BatchTrainingEnvironment extends AttributedComponent {
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly computeEnvironment: aws.batch.ComputeEnvironment;
    readonly jobQueue: aws.batch.JobQueue;

    constructor(name: string, args: BatchTrainingEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:BatchTrainingEnvironment", name, args, opts);
        // Batch picks the instance type, profile and security groups itself; the template adds the tagged, encrypted root volume.
        this.launchTemplate = taggingLaunchTemplate(`${name}-lt`, this.resolvedTags, {
            rootVolumeGiB: args.volumeSizeGiB ?? 200,
            metadataOptions: { httpTokens: "required" },
        }, this.child());
        this.computeEnvironment = new aws.batch.ComputeEnvironment(name, {
            type: "MANAGED",
            serviceRole: args.serviceRoleArn,
            computeResources: {
                type: args.spot ? "SPOT" : "EC2",
                allocationStrategy: args.spot ? "SPOT_PRICE_CAPACITY_OPTIMIZED" : "BEST_FIT_PROGRESSIVE",
                instanceTypes: args.instanceTypes,
                maxVcpus: args.maxVcpus,
                minVcpus: args.minVcpus ?? 0,
                subnets: args.subnetIds,
                securityGroupIds: args.securityGroupIds,
                instanceRole: args.instanceRole,
                launchTemplate: { launchTemplateId: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) },
                tags: { ...this.resolvedTags },
            },
            tags: { ...this.resolvedTags },
        }, this.child());
        this.jobQueue = new aws.batch.JobQueue(name, {
            state: "ENABLED",
            priority: args.priority ?? 1,
            computeEnvironmentOrders: [{ order: 1, computeEnvironment: this.computeEnvironment.arn }],
            tags: { ...this.resolvedTags },
        }, this.child());
        this.registerOutputs({ computeEnvironmentArn: this.computeEnvironment.arn, jobQueueArn: this.jobQueue.arn });
    }
}
