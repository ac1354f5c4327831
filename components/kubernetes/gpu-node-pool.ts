import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "../attributed-component";

/** Arguments of a `GpuNodePool`: the cluster, what the pool may launch, and how much. */
export interface GpuNodePoolArgs extends AttributedArgs {
    /** The cluster's name: subnets and security groups are found by Karpenter's discovery tag (`karpenter.sh/discovery`) unless selectors are given. */
    clusterName: pulumi.Input<string>;
    /** The IAM role the nodes run as (its name), Karpenter's `spec.role`. */
    nodeRoleName: pulumi.Input<string>;
    /** Instance families the pool may launch; default `["g5", "g6", "g6e"]`. */
    instanceFamilies?: pulumi.Input<pulumi.Input<string>[]>;
    /** `on-demand` (default) and/or `spot`. */
    capacityTypes?: pulumi.Input<pulumi.Input<string>[]>;
    /** The most GPUs the pool runs at once (`limits["nvidia.com/gpu"]`); default 16. */
    gpuLimit?: pulumi.Input<number>;
    /** Root volume size in GiB; default 200. */
    volumeSizeGiB?: pulumi.Input<number>;
    /** Karpenter's AMI alias; default `al2023@latest` (the EKS-optimized accelerated AMI is chosen for GPU instances). */
    amiAlias?: pulumi.Input<string>;
    /** Subnet and security group selectors (Karpenter's terms); default: the discovery tag with the cluster's name. */
    subnetSelectorTerms?: pulumi.Input<Record<string, unknown>[]>;
    securityGroupSelectorTerms?: pulumi.Input<Record<string, unknown>[]>;
    /** Node labels (scheduling, not cost: EC2 tags come from `tags`). */
    nodeLabels?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Taints; default `nvidia.com/gpu=true:NoSchedule`, so only pods that tolerate GPU nodes land there. */
    taints?: pulumi.Input<{ key: string; value?: string; effect: string }[]>;
}

/**
 * A Karpenter node pool for GPU work whose instances and volumes are attributable: the `EC2NodeClass`'s
 * `spec.tags` carry the tag set to every instance, volume and launch template Karpenter creates (a pool
 * several models share takes `model_id: shared`; each model's pods carry their own set as labels, which
 * AWS's split cost allocation data attributes their share of a node by), and the `NodePool` launches
 * from it. Needs Karpenter v1 on the cluster and `@pulumi/kubernetes`.
 */
export class GpuNodePool extends AttributedComponent {
    readonly nodeClass: k8s.apiextensions.CustomResource;
    readonly nodePool: k8s.apiextensions.CustomResource;

    constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:kubernetes:GpuNodePool", name, args, opts);
        const discovery = [{ tags: { "karpenter.sh/discovery": args.clusterName } }];
        this.nodeClass = new k8s.apiextensions.CustomResource(`${name}-class`, {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name },
            spec: {
                role: args.nodeRoleName,
                amiSelectorTerms: [{ alias: args.amiAlias ?? "al2023@latest" }],
                subnetSelectorTerms: args.subnetSelectorTerms ?? discovery,
                securityGroupSelectorTerms: args.securityGroupSelectorTerms ?? discovery,
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: pulumi.output(args.volumeSizeGiB ?? 200).apply((gib) => `${gib}Gi`), volumeType: "gp3", encrypted: true } }],
                metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
                tags: this.resolvedTags,
            },
        }, this.child());
        this.nodePool = new k8s.apiextensions.CustomResource(name, {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name },
            spec: {
                template: {
                    metadata: { labels: args.nodeLabels },
                    spec: {
                        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: this.nodeClass.metadata.name },
                        requirements: [
                            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: args.instanceFamilies ?? ["g5", "g6", "g6e"] },
                            { key: "karpenter.sh/capacity-type", operator: "In", values: args.capacityTypes ?? ["on-demand"] },
                        ],
                        taints: args.taints ?? [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
                    },
                },
                limits: { "nvidia.com/gpu": args.gpuLimit ?? 16 },
                disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m" },
            },
        }, this.child({ dependsOn: [this.nodeClass] }));
        this.registerOutputs({ nodeClassName: this.nodeClass.metadata.name, nodePoolName: this.nodePool.metadata.name });
    }
}
