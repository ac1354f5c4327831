import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";
import { ModelBucket } from "./model-bucket";

/** One feature of a `FeatureGroup`. */
export interface FeatureDefinition {
    name: string;
    type: "Integral" | "Fractional" | "String";
}

/** Arguments of a `FeatureGroup`: its features and the role SageMaker uses. */
export interface FeatureGroupArgs extends AttributedArgs {
    roleArn: pulumi.Input<string>;
    recordIdentifierFeatureName: string;
    eventTimeFeatureName: string;
    features: FeatureDefinition[];
    /** Serve features online too (default true). */
    onlineStore?: boolean;
}

/** A SageMaker feature group with its offline store in an attributable bucket. */
export class FeatureGroup extends AttributedComponent {
    readonly offlineStore: ModelBucket;
    readonly featureGroup: aws.sagemaker.FeatureGroup;

    constructor(name: string, args: FeatureGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:FeatureGroup", name, args, opts);
        this.offlineStore = new ModelBucket(`${name}-offline`, { tags: args.tags, extraTags: args.extraTags }, { parent: this });
        this.featureGroup = new aws.sagemaker.FeatureGroup(name, {
            featureGroupName: name,
            roleArn: args.roleArn,
            recordIdentifierFeatureName: args.recordIdentifierFeatureName,
            eventTimeFeatureName: args.eventTimeFeatureName,
            featureDefinitions: args.features.map((f) => ({ featureName: f.name, featureType: f.type })),
            offlineStoreConfig: { s3StorageConfig: { s3Uri: pulumi.interpolate`s3://${this.offlineStore.bucketName}/${name}` } },
            onlineStoreConfig: { enableOnlineStore: args.onlineStore ?? true },
            tags: this.resolvedTags,
        }, this.child());
        this.registerOutputs({ featureGroupName: this.featureGroup.featureGroupName });
    }
}
