/**
 * tagguard components for the Cloud Control provider (`@tagguard/components/aws-native`): they need
 * `@pulumi/aws-native`, which the main entry point does not.
 */
export { nativeAttributionProvider } from "./attribution-provider";
export { HyperPodCluster, type HyperPodClusterArgs, type HyperPodInstanceGroup } from "./hyperpod-cluster";
