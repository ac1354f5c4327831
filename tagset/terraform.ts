/**
 * Terraform's names for the registry's types and properties: `tagguard plan` reads Terraform and
 * OpenTofu plans with the same registry and policies as the pack.
 *
 * Cloud Control: `@pulumi/aws-native` and Terraform's `awscc` provider are both generated from the
 * CloudFormation registry, `AWS::SageMaker::Cluster` becoming `aws-native:sagemaker:Cluster` and
 * `awscc_sagemaker_cluster`: `awscc_<module>_<snake_case name>`, attributes the properties in snake_case.
 *
 * pulumi-aws bridges the Terraform AWS provider, and its bridge metadata (`renames.resources`) names
 * the Terraform type of every token. That file is not installed with `@pulumi/aws`, so the names are
 * derived by pulumi-aws's own naming rule, `aws_<module>_<snake_case name>` (EC2 types mostly without
 * the module), with the exceptions below; `test/tagset/terraform.test.ts` checks the rule against a
 * copy of the bridge metadata.
 */
import { AWS_NATIVE_REGISTRY } from "./aws-native.generated";
import { REGISTRY } from "./registry.generated";

/** Tokens whose Terraform names the rule does not give (from pulumi-aws's bridge metadata). */
const EXCEPTIONS: Readonly<Record<string, string>> = {
    "aws:autoscaling/tag:Tag": "aws_autoscaling_group_tag",
    "aws:ec2/dedicatedHost:DedicatedHost": "aws_ec2_host",
    "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment": "aws_network_interface_sg_attachment",
    "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions": "aws_vpc_peering_connection_options",
    "aws:ec2/securityGroupAssociation:SecurityGroupAssociation": "aws_vpc_endpoint_security_group_association",
    "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple": "aws_vpc_endpoint_service_allowed_principal",
    "aws:s3/analyticsConfiguration:AnalyticsConfiguration": "aws_s3_bucket_analytics_configuration",
    // pulumi-aws v7: `Bucket` is the current bucket (`BucketV2` its deprecated alias); v6 bridged it to the legacy resource.
    "aws:s3/bucket:Bucket": "aws_s3_bucket",
    "aws:s3/bucketObjectv2:BucketObjectv2": "aws_s3_object",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "aws_s3_bucket_replication_configuration",
    "aws:s3/inventory:Inventory": "aws_s3_bucket_inventory",
};

const snake = (name: string): string => name.replace(/(?<=[a-z0-9])([A-Z])/g, "_$1").toLowerCase();

/**
 * The Terraform type names a token may bridge, most likely first: the exception, then
 * `aws_<module>_<name>`, then `aws_<name>` (EC2's own types), then the name without a `V2` suffix
 * (S3's v2 classes bridge the unsuffixed Terraform resource).
 */
export function terraformTypeNames(token: string): string[] {
    const m = /^aws:([a-z0-9]+)\/([A-Za-z0-9]+):[A-Za-z0-9]+$/.exec(token);
    if (!m) return [];
    const [, module, name] = m;
    const names = [EXCEPTIONS[token], `aws_${module}_${snake(name)}`];
    if (module === "ec2") names.push(`aws_${snake(name)}`);
    if (/V2$/.test(name)) names.push(`aws_${module}_${snake(name.slice(0, -2))}`);
    return [...new Set(names.filter((n): n is string => n !== undefined))];
}

let reverse: Map<string, string> | undefined;

/** The registry token a Terraform AWS type bridges to, when the registry has one. */
export function pulumiTypeOf(terraformType: string): string | undefined {
    if (!reverse) {
        // Earlier candidates win: an exception or an exact rule over an EC2 alias or a V2 stem.
        const ranked = new Map<string, { token: string; rank: number }>();
        for (const token of Object.keys(REGISTRY)) {
            terraformTypeNames(token).forEach((name, rank) => {
                const exception = EXCEPTIONS[token] === name ? -1 : rank;
                const held = ranked.get(name);
                if (!held || exception < held.rank) ranked.set(name, { token, rank: exception });
            });
        }
        reverse = new Map([...ranked].map(([name, { token }]) => [name, token]));
    }
    return reverse.get(terraformType);
}

/** The `awscc` Terraform type of a Cloud Control token: `aws-native:sagemaker:Cluster` -> `awscc_sagemaker_cluster`. */
export function awsccTypeName(token: string): string | undefined {
    const m = /^aws-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(token);
    return m ? `awscc_${m[1]}_${snake(m[2])}` : undefined;
}

let awsccReverse: Map<string, string> | undefined;

/** The Cloud Control token an `awscc` Terraform type is, when the registry has it. */
export function awsNativeTypeOf(terraformType: string): string | undefined {
    awsccReverse ??= new Map(Object.keys(AWS_NATIVE_REGISTRY).map((token) => [awsccTypeName(token)!, token]));
    return awsccReverse.get(terraformType);
}

/**
 * Pulumi list properties whose Terraform block keeps the singular name (`ebsBlockDevices` is
 * `ebs_block_device`). Terraform's plural blocks (`tag_specifications`) need no entry.
 */
const SINGULAR_BLOCKS: ReadonlySet<string> = new Set(["ebsBlockDevices", "launchSpecifications", "launchTemplateConfigs", "overrides", "distributions", "fastLaunchConfigurations"]);

/** A Pulumi property name as Terraform spells it: `volumeTags` -> `volume_tags`, `ebsBlockDevices` -> `ebs_block_device`. */
export function terraformPropertyName(pulumiName: string): string {
    return snake(SINGULAR_BLOCKS.has(pulumiName) ? pulumiName.slice(0, -1) : pulumiName);
}

/** Property names the pack's messages quote: tags and their carriers, and the provider's settings. */
export const QUOTED_PROPERTY_NAMES: ReadonlySet<string> = new Set([
    "tags", "tagsAll", "defaultTags", "ignoreTags", "keyPrefixes", "volumeTags", "propagateAtLaunch", "tagSpecifications", "resourceType", "tagPropagation",
    ...[...Object.values(REGISTRY), ...Object.values(AWS_NATIVE_REGISTRY)]
        .flatMap((e) => [...(e.carriers ?? []).map((c) => c.path), ...(e.launchTemplateRefs ?? []), ...(e.volumeTagPropagation ? [e.volumeTagPropagation] : [])])
        .flatMap((path) => path.split(".").map((segment) => segment.replace(/\[\]$/, "")).filter(Boolean)),
]);

/**
 * Terraform's Kubernetes provider's workload resources (hashicorp/kubernetes), as the Kubernetes
 * provider's tokens: the unsuffixed resources are the older API versions, `_v1` the current ones. The
 * Helm provider's `helm_release` is a Helm v3 release.
 */
export const TERRAFORM_KUBERNETES_TYPES: Readonly<Record<string, string>> = {
    kubernetes_deployment: "kubernetes:apps/v1:Deployment",
    kubernetes_deployment_v1: "kubernetes:apps/v1:Deployment",
    kubernetes_stateful_set: "kubernetes:apps/v1:StatefulSet",
    kubernetes_stateful_set_v1: "kubernetes:apps/v1:StatefulSet",
    kubernetes_daemonset: "kubernetes:apps/v1:DaemonSet",
    kubernetes_daemon_set_v1: "kubernetes:apps/v1:DaemonSet",
    kubernetes_replication_controller: "kubernetes:core/v1:ReplicationController",
    kubernetes_replication_controller_v1: "kubernetes:core/v1:ReplicationController",
    kubernetes_job: "kubernetes:batch/v1:Job",
    kubernetes_job_v1: "kubernetes:batch/v1:Job",
    kubernetes_cron_job: "kubernetes:batch/v1beta1:CronJob",
    kubernetes_cron_job_v1: "kubernetes:batch/v1:CronJob",
    kubernetes_pod: "kubernetes:core/v1:Pod",
    kubernetes_pod_v1: "kubernetes:core/v1:Pod",
    helm_release: "kubernetes:helm.sh/v3:Release",
};

/** `kubernetes_manifest` holds any object: its token from `apiVersion` and `kind` (`v1` is the core group). */
export function kubernetesTokenOf(apiVersion: unknown, kind: unknown): string | undefined {
    if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["core", apiVersion];
    return group && version ? `kubernetes:${group}/${version}:${kind}` : undefined;
}
