// The fraud-detection ML platform before cost attribution: everything runs, nothing says who pays.
// Training instances and an autoscaling group, a SageMaker HyperPod cluster (the Cloud Control provider),
// an S3 data lake, an EKS cluster with a GPU node group and a scoring service on it, a SageMaker endpoint
// and an MSK cluster. `tagguard check examples/legacy-untagged` fails on it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsnative from "@pulumi/aws-native";
import * as k8s from "@pulumi/kubernetes";

const config = new pulumi.Config();
const trainerCount = config.getNumber("trainerCount") ?? 1;

const azs = aws.getAvailabilityZonesOutput({ state: "available" });
const account = aws.getCallerIdentityOutput();
const gpuAmi = aws.ec2.getAmiOutput({
    mostRecent: true,
    owners: ["amazon"],
    filters: [{ name: "name", values: ["Deep Learning AMI GPU PyTorch *"] }],
});

// Network.
const vpc = new aws.ec2.Vpc("ml-vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true });
const subnets = [0, 1].map((i) => new aws.ec2.Subnet(`ml-private-${i}`, {
    vpcId: vpc.id,
    cidrBlock: `10.20.${i}.0/24`,
    availabilityZone: azs.names[i],
}));
const subnetIds = subnets.map((s) => s.id);
const sg = new aws.ec2.SecurityGroup("ml-internal", { vpcId: vpc.id, description: "ML platform internal traffic" });

// Training: hand-launched GPU boxes (someone's "temporary" experiment) and a spot training fleet.
for (let i = 0; i < trainerCount; i++) {
    new aws.ec2.Instance(`gpu-trainer-${i}`, {
        ami: gpuAmi.id,
        instanceType: "p3.2xlarge",
        subnetId: subnets[0].id,
        rootBlockDevice: { volumeSize: 500, volumeType: "gp3" },
        tags: { Name: `gpu-trainer-${i}`, Team: "fraud" },
    });
}
const trainerTemplate = new aws.ec2.LaunchTemplate("trainer-lt", {
    imageId: gpuAmi.id,
    instanceType: "g5.4xlarge",
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 300, volumeType: "gp3" } }],
});
new aws.autoscaling.Group("training-fleet", {
    minSize: 0,
    maxSize: 8,
    desiredCapacity: 2,
    vpcZoneIdentifiers: subnetIds,
    launchTemplate: { id: trainerTemplate.id, version: "$Latest" },
    tags: [{ key: "Name", value: "training-fleet", propagateAtLaunch: true }],
});

// Pre-training on SageMaker HyperPod, through the Cloud Control provider: four p4d nodes, named but not attributed.
const hyperpodRole = new aws.iam.Role("hyperpod-exec", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "sagemaker.amazonaws.com" } }] }),
});
new awsnative.sagemaker.Cluster("llm-pretrain", {
    instanceGroups: [{
        instanceGroupName: "workers",
        instanceType: "ml.p4d.24xlarge",
        instanceCount: 4,
        executionRole: hyperpodRole.arn,
        lifeCycleConfig: { sourceS3Uri: "s3://ml-lifecycle-scripts/hyperpod/", onCreate: "on_create.sh" },
    }],
    tags: [{ key: "Name", value: "llm-pretrain" }],
});

// Data lake.
for (const zone of ["raw", "features"]) {
    const bucket = new aws.s3.Bucket(`datalake-${zone}`, { forceDestroy: false });
    new aws.s3.BucketVersioning(`datalake-${zone}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    new aws.s3.BucketPublicAccessBlock(`datalake-${zone}-pab`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
}

// EKS with a GPU node group for batch scoring.
const assume = (service: string) => aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [service] }] }],
});
const clusterRole = new aws.iam.Role("eks-cluster", { assumeRolePolicy: assume("eks.amazonaws.com").json });
const nodeRole = new aws.iam.Role("eks-nodes", { assumeRolePolicy: assume("ec2.amazonaws.com").json });
const cluster = new aws.eks.Cluster("ml-eks", { roleArn: clusterRole.arn, vpcConfig: { subnetIds } });
new aws.eks.NodeGroup("gpu-nodes", {
    clusterName: cluster.name,
    nodeRoleArn: nodeRole.arn,
    subnetIds,
    instanceTypes: ["g5.2xlarge"],
    amiType: "AL2_x86_64_GPU",
    scalingConfig: { desiredSize: 2, minSize: 0, maxSize: 6 },
});

// Batch scoring on the cluster: the team is named on the Deployment, which never reaches its pods.
const appLabels = { app: "fraud-batch-scoring" };
new k8s.apps.v1.Deployment("fraud-batch-scoring", {
    metadata: { namespace: "scoring", labels: { team: "fraud" } },
    spec: {
        replicas: 2,
        selector: { matchLabels: appLabels },
        template: {
            metadata: { labels: appLabels },
            spec: { containers: [{ name: "scorer", image: "fraud-xgb-scorer:3.1", resources: { limits: { "nvidia.com/gpu": "1" } } }] },
        },
    },
});

// SageMaker real-time inference.
const sagemakerRole = new aws.iam.Role("sagemaker-exec", { assumeRolePolicy: assume("sagemaker.amazonaws.com").json });
const model = new aws.sagemaker.Model("fraud-xgb", {
    executionRoleArn: sagemakerRole.arn,
    primaryContainer: {
        image: pulumi.interpolate`683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`,
        modelDataUrl: pulumi.interpolate`s3://models-${account.accountId}/fraud-xgb/model.tar.gz`,
    },
});
const endpointConfig = new aws.sagemaker.EndpointConfiguration("fraud-xgb", {
    productionVariants: [{ variantName: "primary", modelName: model.name, initialInstanceCount: 2, instanceType: "ml.m5.xlarge" }],
});
new aws.sagemaker.Endpoint("fraud-scoring", { endpointConfigName: endpointConfig.name });

// Streaming features.
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
});

export const clusterName = cluster.name;
