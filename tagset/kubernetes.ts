/**
 * Kubernetes on EKS as cost: workloads, whose pods carry the set as labels (generated from
 * `@pulumi/kubernetes`), and node pools, whose `spec.tags` tag the EC2 instances and volumes they launch.
 * Node classes are custom resources (`kubernetes:<group>/<version>:<Kind>`, as `apiextensions.CustomResource`
 * names them); their groups and versions are Karpenter's and EKS Auto Mode's.
 */
import { KUBERNETES_WORKLOADS } from "./kubernetes.generated";
import type { RegistryEntry } from "./registry-types";

export const KUBERNETES_MODULE = "kubernetes";
export const KUBERNETES_PROVIDER_TYPE = "pulumi:providers:kubernetes";

const NODE_CLASS: RegistryEntry = { module: KUBERNETES_MODULE, tags: "none", carriers: [{ path: "spec.tags", shape: "map", reaches: "instances" }], nodeClass: true };

/** Karpenter `EC2NodeClass` (v1, and v1beta1 still in use) and EKS Auto Mode `NodeClass`: `spec.tags` tags the instances, volumes and launch templates they create. */
export const NODE_CLASSES: Readonly<Record<string, RegistryEntry>> = {
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": NODE_CLASS,
    "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass": NODE_CLASS,
    "kubernetes:eks.amazonaws.com/v1:NodeClass": NODE_CLASS,
};

/** A Helm v3 release: one resource, Helm runs inside the provider, and its pods are never Pulumi resources. */
export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

export const KUBERNETES_REGISTRY: Readonly<Record<string, RegistryEntry>> = {
    ...KUBERNETES_WORKLOADS,
    ...NODE_CLASSES,
    [HELM_RELEASE_TYPE]: { module: KUBERNETES_MODULE, tags: "pod-labels", opaquePods: true },
};

/** Namespaces of the cluster's own components, out of scope by default. */
export const SYSTEM_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

/** A workload's kind (`Deployment` for `kubernetes:apps/v1:DeploymentPatch`). */
export const workloadKind = (type: string): string => (type.split(":").pop() ?? "").replace(/Patch$/, "");

/**
 * Labels a kind's controller adds to each pod at run time: they count toward the 50 labels AWS imports
 * (Deployment: `pod-template-hash`; StatefulSet: revision, pod name and index; DaemonSet: revision and
 * generation; Job, and CronJob through its jobs: job name and controller uid, prefixed and legacy).
 */
export const CONTROLLER_LABELS: Readonly<Record<string, readonly string[]>> = {
    Deployment: ["pod-template-hash"],
    StatefulSet: ["apps.kubernetes.io/pod-index", "controller-revision-hash", "statefulset.kubernetes.io/pod-name"],
    DaemonSet: ["controller-revision-hash", "pod-template-generation"],
    Job: ["batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"],
    CronJob: ["batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name"],
};

/** Helm v3's SDK-side chart: rendered by the provider's `helm template` invoke, which needs a cluster-side tool offline. */
export const HELM_V3_CHART_TYPE = "kubernetes:helm.sh/v3:Chart";
