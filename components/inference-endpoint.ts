import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";

/** Arguments of an `InferenceEndpoint`: the serving container and its capacity. */
export interface InferenceEndpointArgs extends AttributedArgs {
    executionRoleArn: pulumi.Input<string>;
    /** The serving container image. */
    image: pulumi.Input<string>;
    /** `s3://` URL of the model artifacts, if the image does not contain them. */
    modelDataUrl?: pulumi.Input<string>;
    environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    instanceType: pulumi.Input<string>;
    /** Default 1. */
    instanceCount?: pulumi.Input<number>;
    /** Default `primary`. */
    variantName?: pulumi.Input<string>;
}

/** A SageMaker real-time endpoint: model, endpoint configuration and endpoint, all attributable. */
export class InferenceEndpoint extends AttributedComponent {
    readonly model: aws.sagemaker.Model;
    readonly endpointConfiguration: aws.sagemaker.EndpointConfiguration;
    readonly endpoint: aws.sagemaker.Endpoint;

    constructor(name: string, args: InferenceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:InferenceEndpoint", name, args, opts);
        const tags = this.resolvedTags;
        this.model = new aws.sagemaker.Model(name, {
            executionRoleArn: args.executionRoleArn,
            primaryContainer: { image: args.image, modelDataUrl: args.modelDataUrl, environment: args.environment },
            tags,
        }, this.child());
        this.endpointConfiguration = new aws.sagemaker.EndpointConfiguration(name, {
            productionVariants: [{
                variantName: args.variantName ?? "primary",
                modelName: this.model.name,
                instanceType: args.instanceType,
                initialInstanceCount: args.instanceCount ?? 1,
            }],
            tags,
        }, this.child());
        this.endpoint = new aws.sagemaker.Endpoint(name, { endpointConfigName: this.endpointConfiguration.name, tags }, this.child());
        this.registerOutputs({ endpointName: this.endpoint.name });
    }
}
