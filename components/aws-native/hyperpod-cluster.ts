import * as awsnative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "../attributed-component";
import { kvListShape } from "../../tagset/shapes";

/** One instance group of a HyperPod cluster. */
export interface HyperPodInstanceGroup {
    /** The group's name, unique in the cluster (`workers`, `controller`). */
    name: string;
    /** A SageMaker instance type (`ml.p5.48xlarge`). */
    instanceType: pulumi.Input<string>;
    instanceCount: pulumi.Input<number>;
    /** The IAM role the group's instances run as. */
    executionRole: pulumi.Input<string>;
    /** Lifecycle scripts (Slurm clusters need them): where they are and which runs on creation. */
    lifeCycleConfig?: pulumi.Input<{ sourceS3Uri: pulumi.Input<string>; onCreate: pulumi.Input<string> }>;
    /** An extra EBS volume for each instance, in GB, mounted at `/opt/sagemaker`: billed to the cluster, attributed by its tags. */
    ebsVolumeSizeGb?: pulumi.Input<number>;
    threadsPerCore?: pulumi.Input<number>;
    /**
     * A SageMaker training plan to run on. Its upfront fee is billed to the plan, which is attributed by
     * its own tags: give it the same set when you reserve it.
     */
    trainingPlanArn?: pulumi.Input<string>;
}

/** Arguments of a `HyperPodCluster`. */
export interface HyperPodClusterArgs extends AttributedArgs {
    /** The cluster's name; default: the engine's auto-name. */
    clusterName?: pulumi.Input<string>;
    instanceGroups: HyperPodInstanceGroup[];
    /** An EKS cluster to orchestrate with (its ARN); default: Slurm. */
    eksClusterArn?: pulumi.Input<string>;
    vpcConfig?: pulumi.Input<{ securityGroupIds: pulumi.Input<pulumi.Input<string>[]>; subnets: pulumi.Input<pulumi.Input<string>[]> }>;
    /** Whether SageMaker replaces faulty instances by itself; default `Automatic`. */
    nodeRecovery?: "Automatic" | "None";
}

/**
 * A SageMaker HyperPod cluster whose every instance and volume is attributable. HyperPod bills its
 * instance groups' compute and their EBS volumes to the cluster itself (SageMaker usage `Cluster:ml.*`
 * on the cluster's ARN), so the cluster's own tags are what attributes them: the component gives the
 * cluster the validated tag set in the Cloud Control form, and refuses a cluster without instance
 * groups or with two groups of one name. Needs `@pulumi/aws-native`.
 */
export class HyperPodCluster extends AttributedComponent {
    readonly cluster: awsnative.sagemaker.Cluster;
    readonly clusterArn: pulumi.Output<string>;

    constructor(name: string, args: HyperPodClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const names = args.instanceGroups.map((g) => g.name);
        const repeated = names.filter((n, i) => names.indexOf(n) !== i);
        if (!names.length) throw new Error(`HyperPodCluster ${JSON.stringify(name)}: at least one instance group is needed`);
        if (repeated.length) throw new Error(`HyperPodCluster ${JSON.stringify(name)}: instance group names must be unique; ${[...new Set(repeated)].map((n) => JSON.stringify(n)).join(", ")} is given twice`);
        super("tagguard:sagemaker:HyperPodCluster", name, args, opts);
        this.cluster = new awsnative.sagemaker.Cluster(name, {
            clusterName: args.clusterName,
            instanceGroups: args.instanceGroups.map((g) => ({
                instanceGroupName: g.name,
                instanceType: g.instanceType,
                instanceCount: g.instanceCount,
                executionRole: g.executionRole,
                lifeCycleConfig: g.lifeCycleConfig,
                threadsPerCore: g.threadsPerCore,
                trainingPlanArn: g.trainingPlanArn,
                instanceStorageConfigs: g.ebsVolumeSizeGb === undefined ? undefined : [{ ebsVolumeConfig: { volumeSizeInGb: g.ebsVolumeSizeGb } }],
            })),
            orchestrator: args.eksClusterArn === undefined ? undefined : { eks: { clusterArn: args.eksClusterArn } },
            vpcConfig: args.vpcConfig,
            nodeRecovery: args.nodeRecovery ?? "Automatic",
            tags: kvListShape.write<{ key: string; value: string }>(undefined, this.resolvedTags) as { key: string; value: string }[],
        }, this.child());
        this.clusterArn = this.cluster.clusterArn;
        this.registerOutputs({ clusterArn: this.clusterArn });
    }
}
