# A GPU trainer and a spot worker fleet, untagged.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

resource "aws_instance" "trainer" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "p3.2xlarge"
  root_block_device {
    volume_size = 500
    volume_type = "gp3"
  }
  tags = { Name = "gpu-trainer" }
}

resource "aws_autoscaling_group" "workers" {
  name_prefix         = "fraud-workers-"
  min_size            = 0
  max_size            = 8
  vpc_zone_identifier = ["subnet-9a8b7c6d"]
  launch_template {
    id      = aws_launch_template.workers.id
    version = "$Latest"
  }
  tag {
    key                 = "Name"
    value               = "fraud-worker"
    propagate_at_launch = true
  }
}

resource "aws_launch_template" "workers" {
  name_prefix   = "fraud-workers-"
  image_id      = "ami-0abcdef1234567890"
  instance_type = "g5.4xlarge"
}
