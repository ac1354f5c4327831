import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";

/** Arguments of a `ModelBucket`. */
export interface ModelBucketArgs extends AttributedArgs {
    /** Keep object versions (default true). */
    versioning?: pulumi.Input<boolean>;
    /** KMS key for server-side encryption; S3-managed AES-256 when absent. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Delete all objects when the bucket is destroyed (default false). */
    forceDestroy?: pulumi.Input<boolean>;
}

/**
 * An S3 bucket for models or data: versioned, encrypted, closed to the public, tagged. For experiments
 * (`environment: experiment`), a lifecycle rule expires every object at the tag set's `expires_at`.
 */
export class ModelBucket extends AttributedComponent {
    readonly bucket: aws.s3.Bucket;
    readonly arn: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: ModelBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:ModelBucket", name, args, opts);
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false, tags: this.resolvedTags }, this.child());
        const bucket = this.bucket.id;
        new aws.s3.BucketVersioning(`${name}-versioning`, {
            bucket,
            versioningConfiguration: { status: pulumi.output(args.versioning ?? true).apply((on) => (on ? "Enabled" : "Suspended")) },
        }, this.child());
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket,
            rules: [{
                applyServerSideEncryptionByDefault: args.kmsKeyArn ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn } : { sseAlgorithm: "AES256" },
                bucketKeyEnabled: args.kmsKeyArn !== undefined,
            }],
        }, this.child());
        new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, this.child());
        const expires = this.resolvedTags.environment === "experiment" ? this.resolvedTags.expires_at : undefined;
        if (expires) {
            new aws.s3.BucketLifecycleConfiguration(`${name}-expiry`, {
                bucket,
                rules: [{ id: "expire-with-experiment", status: "Enabled", filter: {}, expiration: { date: `${expires.slice(0, 10)}T00:00:00Z` } }],
            }, this.child());
        }
        this.arn = this.bucket.arn;
        this.bucketName = this.bucket.bucket;
        this.registerOutputs({ arn: this.arn, bucketName: this.bucketName });
    }
}
