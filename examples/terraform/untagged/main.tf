# The fraud-detection ML platform in Terraform before cost attribution: everything runs, nothing says
# who pays. `npx tagguard plan examples/terraform/untagged/plan.json` fails on it.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.80" }
  }
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "training"
  region = "us-west-2"
}

resource "aws_s3_bucket" "features" {
  bucket = "fraud-feature-store"
  tags   = { Name = "fraud-feature-store", Team = "fraud" }
}

resource "aws_launch_template" "gpu" {
  name_prefix   = "fraud-gpu-"
  instance_type = "g5.2xlarge"
}

resource "aws_eks_cluster" "ml" {
  name     = "fraud-ml"
  role_arn = "arn:aws:iam::123456789012:role/fraud-eks"
  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}

resource "aws_eks_node_group" "gpu" {
  cluster_name    = aws_eks_cluster.ml.name
  node_group_name = "gpu"
  node_role_arn   = "arn:aws:iam::123456789012:role/fraud-eks-nodes"
  subnet_ids      = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  instance_types  = ["g5.2xlarge"]
  scaling_config {
    desired_size = 2
    min_size     = 0
    max_size     = 6
  }
}

resource "aws_sagemaker_domain" "studio" {
  domain_name = "fraud-studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0123abcd"
  subnet_ids  = ["subnet-0a1b2c3d"]
  default_user_settings {
    execution_role = "arn:aws:iam::123456789012:role/fraud-sagemaker"
  }
}

resource "aws_msk_cluster" "events" {
  cluster_name           = "fraud-events"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 2
  broker_node_group_info {
    instance_type   = "kafka.m5.large"
    client_subnets  = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    security_groups = ["sg-0123abcd"]
  }
}

module "training" {
  source    = "./modules/training"
  providers = { aws = aws.training }
}
