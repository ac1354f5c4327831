// The fraud-detection ML platform with cost attribution, written with plain @pulumi/aws: the stack's
// provider default tags (Pulumi.dev.yaml) carry what every resource shares, each resource adds its model
// and lifecycle phase, and the resources whose tags AWS does not propagate (autoscaling groups, launch
// templates, node groups) carry the full set themselves. `tagguard check` passes on it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

type Phase = "training" | "inference" | "feature_pipeline" | "monitoring" | "data_pipeline" | "development";

/** What a resource adds to the provider's default tags. */
const attribution = (modelId: string, phase: Phase) => ({ model_id: modelId, lifecycle_phase: phase });

/** The full tag set, for the places provider default tags never reach. */
const awsConfig = new pulumi.Config("aws");
const defaultTags = awsConfig.requireObject<{ tags: Record<string, string> }>("defaultTags").tags;
const fullSet = (modelId: string, phase: Phase) => ({ ...defaultTags, ...attribution(modelId, phase) });

const azs = aws.getAvailabilityZonesOutput({ state: "available" });
const account = aws.getCallerIdentityOutput();
const gpuAmi = aws.ec2.getAmiOutput({ mostRecent: true, owners: ["amazon"], filters: [{ name: "name", values: ["Deep Learning AMI GPU PyTorch *"] }] });

// Shared network: model_id = shared.
const shared = attribution("shared", "data_pipeline");
const vpc = new aws.ec2.Vpc("ml-vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true, tags: shared });
const subnets = [0, 1].map((i) => new aws.ec2.Subnet(`ml-private-${i}`, { vpcId: vpc.id, cidrBlock: `10.20.${i}.0/24`, availabilityZone: azs.names[i], tags: shared }));
const subnetIds = subnets.map((s) => s.id);
const sg = new aws.ec2.SecurityGroup("ml-internal", { vpcId: vpc.id, description: "ML platform internal traffic", tags: shared });

// Training: a GPU box (its volumes get the provider default tags) and a spot training fleet.
new aws.ec2.Instance("gpu-trainer-0", {
    ami: gpuAmi.id,
    instanceType: "p3.2xlarge",
    subnetId: subnets[0].id,
    rootBlockDevice: { volumeSize: 500, volumeType: "gp3" },
    tags: { Name: "gpu-trainer-0", ...attribution("fraud-xgb-v3", "training") },
    volumeTags: attribution("fraud-xgb-v3", "training"),
});
const trainerTags = fullSet("fraud-xgb-v3", "training");
const trainerTemplate = new aws.ec2.LaunchTemplate("trainer-lt", {
    imageId: gpuAmi.id,
    instanceType: "g5.4xlarge",
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 300, volumeType: "gp3" } }],
    tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: trainerTags })),
    tags: attribution("fraud-xgb-v3", "training"),
});
new aws.autoscaling.Group("training-fleet", {
    minSize: 0,
    maxSize: 8,
    desiredCapacity: 2,
    vpcZoneIdentifiers: subnetIds,
    launchTemplate: { id: trainerTemplate.id, version: "$Latest" },
    tags: Object.entries({ Name: "training-fleet", ...trainerTags }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
});

// Data lake: the raw zone feeds the feature pipeline.
for (const [zone, phase] of [["raw", "data_pipeline"], ["features", "feature_pipeline"]] as const) {
    const bucket = new aws.s3.Bucket(`datalake-${zone}`, { forceDestroy: false, tags: attribution("shared", phase) });
    new aws.s3.BucketVersioning(`datalake-${zone}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    new aws.s3.BucketPublicAccessBlock(`datalake-${zone}-pab`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
}

// EKS with a GPU node group whose launch template tags its instances and volumes.
const assume = (service: string) => aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [service] }] }],
});
const clusterRole = new aws.iam.Role("eks-cluster", { assumeRolePolicy: assume("eks.amazonaws.com").json });
const nodeRole = new aws.iam.Role("eks-nodes", { assumeRolePolicy: assume("ec2.amazonaws.com").json });
const cluster = new aws.eks.Cluster("ml-eks", { roleArn: clusterRole.arn, vpcConfig: { subnetIds }, tags: attribution("shared", "inference") });
const scoringTags = fullSet("fraud-xgb-v3", "inference");
const nodeTemplate = new aws.ec2.LaunchTemplate("gpu-nodes-lt", {
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 200, volumeType: "gp3" } }],
    tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({ resourceType, tags: scoringTags })),
    tags: attribution("fraud-xgb-v3", "inference"),
});
new aws.eks.NodeGroup("gpu-nodes", {
    clusterName: cluster.name,
    nodeRoleArn: nodeRole.arn,
    subnetIds,
    instanceTypes: ["g5.2xlarge"],
    amiType: "AL2_x86_64_GPU",
    scalingConfig: { desiredSize: 2, minSize: 0, maxSize: 6 },
    launchTemplate: { id: nodeTemplate.id, version: nodeTemplate.latestVersion.apply(String) },
    tags: attribution("fraud-xgb-v3", "inference"),
});

// SageMaker real-time inference.
const sagemakerRole = new aws.iam.Role("sagemaker-exec", { assumeRolePolicy: assume("sagemaker.amazonaws.com").json });
const inference = attribution("fraud-xgb-v3", "inference");
const model = new aws.sagemaker.Model("fraud-xgb", {
    executionRoleArn: sagemakerRole.arn,
    primaryContainer: {
        image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        modelDataUrl: pulumi.interpolate`s3://models-${account.accountId}/fraud-xgb/model.tar.gz`,
    },
    tags: inference,
});
const endpointConfig = new aws.sagemaker.EndpointConfiguration("fraud-xgb", {
    productionVariants: [{ variantName: "primary", modelName: model.name, initialInstanceCount: 2, instanceType: "ml.m5.xlarge" }],
    tags: inference,
});
new aws.sagemaker.Endpoint("fraud-scoring", { endpointConfigName: endpointConfig.name, tags: inference });

// Streaming features on MSK (its configuration takes no tags).
const kafkaConfig = new aws.msk.Configuration("events", {
    kafkaVersions: ["3.6.0"],
    serverProperties: "auto.create.topics.enable=false\ndefault.replication.factor=2\n",
});
new aws.msk.Cluster("events", {
    kafkaVersion: "3.6.0",
    numberOfBrokerNodes: 2,
    brokerNodeGroupInfo: {
        instanceType: "kafka.m5.large",
        clientSubnets: subnetIds,
        securityGroups: [sg.id],
        storageInfo: { ebsStorageInfo: { volumeSize: 1000 } },
    },
    configurationInfo: { arn: kafkaConfig.arn, revision: kafkaConfig.latestRevision },
    tags: attribution("shared", "feature_pipeline"),
});

export const clusterName = cluster.name;
