import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";

/** Arguments of a `DevelopmentDomain`: network, execution role and users. */
export interface DevelopmentDomainArgs extends AttributedArgs {
    vpcId: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    executionRoleArn: pulumi.Input<string>;
    /** A user profile is created for each name. */
    userProfiles?: string[];
    /** `IAM` (default) or `SSO`. */
    authMode?: pulumi.Input<string>;
}

/**
 * A SageMaker domain with tag propagation enabled (its tags reach the apps and spaces created in it,
 * which is where notebook compute is billed), and its user profiles.
 */
export class DevelopmentDomain extends AttributedComponent {
    readonly domain: aws.sagemaker.Domain;
    readonly userProfiles: aws.sagemaker.UserProfile[];

    constructor(name: string, args: DevelopmentDomainArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:DevelopmentDomain", name, args, opts);
        this.domain = new aws.sagemaker.Domain(name, {
            domainName: name,
            authMode: args.authMode ?? "IAM",
            vpcId: args.vpcId,
            subnetIds: args.subnetIds,
            defaultUserSettings: { executionRole: args.executionRoleArn },
            tagPropagation: "ENABLED",
            tags: this.resolvedTags,
        }, this.child());
        this.userProfiles = (args.userProfiles ?? []).map((user) => new aws.sagemaker.UserProfile(`${name}-${user}`, {
            domainId: this.domain.id,
            userProfileName: user,
            tags: this.resolvedTags,
        }, this.child()));
        this.registerOutputs({ domainId: this.domain.id });
    }
}
