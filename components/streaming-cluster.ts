import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AttributedComponent, type AttributedArgs } from "./attributed-component";

/** Arguments of a `StreamingCluster`: brokers, network and Kafka settings. */
export interface StreamingClusterArgs extends AttributedArgs {
    /** Default `3.6.0`. */
    kafkaVersion?: string;
    brokerCount: pulumi.Input<number>;
    brokerInstanceType: pulumi.Input<string>;
    clientSubnets: pulumi.Input<pulumi.Input<string>[]>;
    securityGroups: pulumi.Input<pulumi.Input<string>[]>;
    /** Per broker; default 1000 GiB. */
    volumeSizeGiB?: pulumi.Input<number>;
    /** Kafka `server.properties`; defaults keep topic creation explicit. */
    serverProperties?: pulumi.Input<string>;
}

/** An MSK cluster with its configuration (MSK configurations take no tags; the cluster carries the set). */
export class StreamingCluster extends AttributedComponent {
    readonly configuration: aws.msk.Configuration;
    readonly cluster: aws.msk.Cluster;

    constructor(name: string, args: StreamingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tagguard:ml:StreamingCluster", name, args, opts);
        const kafkaVersion = args.kafkaVersion ?? "3.6.0";
        this.configuration = new aws.msk.Configuration(name, {
            kafkaVersions: [kafkaVersion],
            serverProperties: args.serverProperties ?? "auto.create.topics.enable=false\ndefault.replication.factor=3\nmin.insync.replicas=2\n",
        }, this.child());
        this.cluster = new aws.msk.Cluster(name, {
            kafkaVersion,
            numberOfBrokerNodes: args.brokerCount,
            brokerNodeGroupInfo: {
                instanceType: args.brokerInstanceType,
                clientSubnets: args.clientSubnets,
                securityGroups: args.securityGroups,
                storageInfo: { ebsStorageInfo: { volumeSize: args.volumeSizeGiB ?? 1000 } },
            },
            configurationInfo: { arn: this.configuration.arn, revision: this.configuration.latestRevision },
            encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } },
            tags: this.resolvedTags,
        }, this.child());
        this.registerOutputs({ bootstrapBrokersTls: this.cluster.bootstrapBrokersTls });
    }
}
