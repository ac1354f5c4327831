/**
 * tagguard components for Kubernetes on EKS (`@tagguard/components/kubernetes`): they need
 * `@pulumi/kubernetes`, which the main entry point does not.
 */
export { GpuNodePool, type GpuNodePoolArgs } from "./gpu-node-pool";
