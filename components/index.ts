/**
 * tagguard components: typed wrappers that make every AWS resource they create attributable, including
 * the ones AWS does not tag by itself (instances and volumes of node groups and autoscaling groups).
 */
export { AttributedComponent, type AttributedArgs } from "./attributed-component";
export { BatchTrainingEnvironment, type BatchTrainingEnvironmentArgs } from "./batch-training-environment";
export { attributionProvider } from "./attribution-provider";
export { autoTagProps, registerAutoTagging, DEFAULT_AUTO_TAG_SCOPE, type AutoTagScope, type AutoTaggingOptions } from "./auto-tagging";
export { DevelopmentDomain, type DevelopmentDomainArgs } from "./development-domain";
export { FeatureGroup, type FeatureDefinition, type FeatureGroupArgs } from "./feature-group";
export { GpuNodeGroup, type GpuNodeGroupArgs } from "./gpu-node-group";
export { InferenceEndpoint, type InferenceEndpointArgs } from "./inference-endpoint";
export { taggingLaunchTemplate } from "./launch-template";
export { ModelBucket, type ModelBucketArgs } from "./model-bucket";
export { nativeTags, type NativeTag } from "./native-tags";
export { podLabels, type PodLabels } from "./pod-labels";
export { StreamingCluster, type StreamingClusterArgs } from "./streaming-cluster";
export { InvalidTagSetError, resolveTags, type AttributionTags } from "./tag-set";
export { TrainingFleet, type TrainingFleetArgs } from "./training-fleet";
