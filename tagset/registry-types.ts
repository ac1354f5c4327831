/**
 * How a resource type takes the attribution set. The registries hold one entry per resource type token:
 * `@pulumi/aws` (`registry.generated.ts`), the Cloud Control provider `@pulumi/aws-native`
 * (`aws-native.generated.ts`) and the Kubernetes workloads of `@pulumi/kubernetes`
 * (`kubernetes.generated.ts`), generated from the installed typings by `npm run generate:registry`, and
 * the Kubernetes node pools that launch EC2 instances (`kubernetes.ts`).
 */

/**
 * The shape of a resource's own `tags` input.
 * - `map`: `{ [key]: value }` (nearly every taggable type); the provider's `defaultTags` apply.
 * - `asg-list`: `[{ key, value, propagateAtLaunch }]` (autoscaling groups); default tags never apply.
 * - `kv-list`: `[{ key, value }]` (most Cloud Control types); the `aws-native` provider's `defaultTags` apply.
 * - `pod-labels`: a Kubernetes workload; the set is its pods' labels (`podLabels`), which AWS's split
 *   cost allocation data imports as cost allocation tags.
 * - `none`: the type takes no tags (it may still carry them to what it launches: `carriers`).
 */
export type TagShape = "map" | "asg-list" | "kv-list" | "pod-labels" | "none";

/** Where a carrier's tags live, relative to the resource's inputs: `a.b`, `list[].tags`. */
export type PropertyPath = string;

/**
 * A place other than `tags` that puts tags on what the resource creates: instance volumes
 * (`volumeTags`, `rootBlockDevice.tags`, `ebsBlockDevices[].tags`) or the instances and volumes a
 * launch template launches (`tagSpecifications[]`).
 */
export interface TagCarrier {
    path: PropertyPath;
    shape: "map" | "tag-specifications";
    /** Tag specifications whose `tags` are a list of `{ key, value }` (Cloud Control), not a map. */
    tagList?: true;
    /** For a map: what it tags. Tag specifications say it per entry (`resourceType`). */
    reaches?: "volumes" | "instances";
}

export interface RegistryEntry {
    /** The provider module (`ec2`, `s3`, ...), the middle of `aws:<module>/<name>:<Type>`. */
    module: string;
    tags: TagShape;
    /** Other inputs that carry tags to what the resource creates. */
    carriers?: TagCarrier[];
    /** Inputs that reference a launch template whose tag specifications tag what is launched. */
    launchTemplateRefs?: PropertyPath[];
    /** The type has a `tagPropagation` input (SageMaker domains: tags reach the apps it creates). */
    tagPropagation?: true;
    /** An EC2 launch template: its tag specifications (per resource type) tag the instances and volumes launched from it. */
    launchTemplate?: true;
    /** The boolean input that makes the resource's own tags reach its volumes (Cloud Control instances: `propagateTagsToVolumeOnCreation`). */
    volumeTagPropagation?: PropertyPath;
    /**
     * Groups of instances the service runs and bills to this resource (SageMaker HyperPod's instance
     * groups): their compute and volumes are attributed by the resource's own tags.
     */
    instanceGroups?: PropertyPath[];
    /** The provider's Check computes a `tagsAll` output: `tags` merged over the provider's default tags. */
    tagsAll?: true;
    /** Kubernetes workloads: where its pods' labels are (a pod template's, or a Pod's own `metadata.labels`). */
    podLabels?: PropertyPath;
    /** A server-side-apply patch of a workload (`DeploymentPatch`): it merges into a live object, so what it leaves out may be there. */
    patch?: true;
    /** A node pool whose `spec.tags` tag the EC2 instances and volumes it launches (Karpenter `EC2NodeClass`, EKS Auto Mode `NodeClass`). */
    nodeClass?: true;
    /** Runs pods that are never resources of the program (a Helm v3 release): their labels cannot be seen before deploy. */
    opaquePods?: true;
}

/** The shapes of a resource's own tags in AWS's sense, as the tag policies judge them. */
export type OwnTagShape = "map" | "asg-list" | "kv-list";

/** An entry with tags of its own in AWS's sense (a map, an autoscaling list, a Cloud Control list). */
export const hasOwnTags = (entry: RegistryEntry): entry is RegistryEntry & { tags: OwnTagShape } => entry.tags === "map" || entry.tags === "asg-list" || entry.tags === "kv-list";
