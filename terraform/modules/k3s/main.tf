# k3s servers (control plane, embedded etcd) and workers on EC2, from launch templates whose
# user data installs k3s and joins the cluster. Servers and workers register through an
# internal network load balancer on 6443, so a replaced server rejoins by the same address.
data "aws_ssm_parameter" "al2023" {
  name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

# The join token lives in SSM (encrypted), not in user data, which any ec2:Describe* reader sees.
resource "random_password" "token" {
  length  = 48
  special = false
}

resource "aws_ssm_parameter" "token" {
  name   = "/boxoffice/${var.name}/k3s-token"
  type   = "SecureString"
  key_id = var.kms_key_arn
  value  = random_password.token.result
}

# --- network access ----------------------------------------------------------------------
resource "aws_security_group" "api_lb" {
  name        = "${var.name}-k3s-api"
  description = "k3s API load balancer: 6443 from the nodes and the operators' networks"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-k3s-api" }
}

resource "aws_security_group" "server" {
  name        = "${var.name}-k3s-server"
  description = "k3s servers: API, etcd peers, kubelet and overlay traffic from cluster nodes"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-k3s-server" }
}

resource "aws_security_group" "worker" {
  name        = "${var.name}-k3s-worker"
  description = "k3s workers: HTTP from the public load balancer, kubelet and overlay traffic from cluster nodes"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-k3s-worker" }
}

locals {
  node_sgs = { server = aws_security_group.server.id, worker = aws_security_group.worker.id }
  # Traffic every node takes from every other node: flannel VXLAN, kubelet, metrics-server,
  # and the pods' own ports (NetworkPolicies in k3s/ narrow those further).
  node_to_node = {
    vxlan   = { protocol = "udp", from = 8472, to = 8472, description = "flannel VXLAN overlay" }
    kubelet = { protocol = "tcp", from = 10250, to = 10250, description = "kubelet API (logs, exec, metrics)" }
  }
  node_pairs = { for p in setproduct(keys(local.node_sgs), keys(local.node_sgs), keys(local.node_to_node)) : "${p[0]}-${p[1]}-${p[2]}" => p }
}

resource "aws_vpc_security_group_ingress_rule" "node_to_node" {
  for_each                     = local.node_pairs
  security_group_id            = local.node_sgs[each.value[1]]
  referenced_security_group_id = local.node_sgs[each.value[0]]
  ip_protocol                  = local.node_to_node[each.value[2]].protocol
  from_port                    = local.node_to_node[each.value[2]].from
  to_port                      = local.node_to_node[each.value[2]].to
  description                  = "${local.node_to_node[each.value[2]].description} from ${each.value[0]}s"
}

# Agents and servers also talk to each server's 6443 directly once they know the servers.
resource "aws_vpc_security_group_ingress_rule" "api_from_nodes" {
  for_each                     = local.node_sgs
  security_group_id            = aws_security_group.server.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 6443
  to_port                      = 6443
  description                  = "k3s API from ${each.key}s"
}

resource "aws_vpc_security_group_ingress_rule" "api_from_lb" {
  security_group_id            = aws_security_group.server.id
  referenced_security_group_id = aws_security_group.api_lb.id
  ip_protocol                  = "tcp"
  from_port                    = 6443
  to_port                      = 6443
  description                  = "k3s API through its load balancer (health checks)"
}

resource "aws_vpc_security_group_ingress_rule" "api_lb_from_nodes" {
  for_each                     = local.node_sgs
  security_group_id            = aws_security_group.api_lb.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 6443
  to_port                      = 6443
  description                  = "k3s API from ${each.key}s"
}

resource "aws_vpc_security_group_ingress_rule" "api_lb_from_operators" {
  for_each          = toset(var.api_allowed_cidrs)
  security_group_id = aws_security_group.api_lb.id
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 6443
  to_port           = 6443
  description       = "k3s API from an operators' network (VPN)"
}

resource "aws_vpc_security_group_ingress_rule" "etcd" {
  security_group_id            = aws_security_group.server.id
  referenced_security_group_id = aws_security_group.server.id
  ip_protocol                  = "tcp"
  from_port                    = 2379
  to_port                      = 2380
  description                  = "embedded etcd client and peer traffic between servers"
}

resource "aws_vpc_security_group_ingress_rule" "http_from_alb" {
  # checkov:skip=CKV_AWS_260:the source is the load balancer's security group, not 0.0.0.0/0
  security_group_id            = aws_security_group.worker.id
  referenced_security_group_id = var.alb_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 80
  to_port                      = 80
  description                  = "Traefik web entry point from the public load balancer"
}

# Nodes reach the k3s installer, container registries, AWS APIs and RDS through the NAT.
resource "aws_vpc_security_group_egress_rule" "all" {
  for_each          = merge(local.node_sgs, { api_lb = aws_security_group.api_lb.id })
  security_group_id = each.value
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
  description       = "outbound: installers, registries, AWS APIs, database"
}

# --- API load balancer -------------------------------------------------------------------
resource "aws_lb" "api" {
  # checkov:skip=CKV_AWS_91:TCP pass-through to the k3s API, whose audit log records every request
  # checkov:skip=CKV_AWS_150:var.deletion_protection: on in prod, off in dev so it can be torn down
  name                             = "${var.name}-k3s-api"
  internal                         = true
  load_balancer_type               = "network"
  subnets                          = var.private_subnet_ids
  security_groups                  = [aws_security_group.api_lb.id]
  enable_cross_zone_load_balancing = true
  enable_deletion_protection       = var.deletion_protection
}

resource "aws_lb_target_group" "api" {
  name     = "${var.name}-k3s-api"
  port     = 6443
  protocol = "TCP"
  vpc_id   = var.vpc_id
  # With client addresses kept, a server cannot reach itself through the balancer (hairpin),
  # which a joining server does; traffic then comes from the balancer's own group.
  preserve_client_ip = "false"
  health_check {
    protocol = "TCP"
    port     = "6443"
  }
}

resource "aws_lb_listener" "api" {
  load_balancer_arn = aws_lb.api.arn
  port              = 6443
  protocol          = "TCP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }
}

# --- instance identity -------------------------------------------------------------------
resource "aws_iam_role" "node" {
  name = "${var.name}-k3s-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# Session Manager instead of SSH: no port 22 anywhere, and every session is logged.
resource "aws_iam_role_policy_attachment" "ssm" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy" "node" {
  name = "k3s-node"
  role = aws_iam_role.node.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadJoinToken"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter"]
        Resource = aws_ssm_parameter.token.arn
      },
      {
        Sid      = "DecryptJoinToken"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.kms_key_arn
      },
      {
        # The kubelet's ECR credential provider pulls Boxoffice's images.
        Sid      = "PullImages"
        Effect   = "Allow"
        Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
        Resource = var.ecr_repository_arns
      },
      {
        # GetAuthorizationToken has no resource scope in IAM.
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        # A starting server looks up its group's members to decide who initialises etcd.
        Sid      = "FindServerGroup"
        Effect   = "Allow"
        Action   = ["autoscaling:DescribeAutoScalingGroups"]
        Resource = "*"
      },
      {
        Sid      = "EventImages"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource = "${var.images_bucket_arn}/*"
      },
      {
        Sid      = "EventImagesKey"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.kms_key_arn
      },
    ]
  })
}

resource "aws_iam_instance_profile" "node" {
  name = "${var.name}-k3s-node"
  role = aws_iam_role.node.name
}

# --- launch templates --------------------------------------------------------------------
locals {
  common = {
    k3s_version                  = var.k3s_version
    token_parameter              = aws_ssm_parameter.token.name
    region                       = data.aws_region.current.name
    api_host                     = aws_lb.api.dns_name
    ecr_credential_provider_url  = var.ecr_credential_provider_url
    ecr_registry                 = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${data.aws_region.current.name}.amazonaws.com"
    server_group                 = "${var.name}-k3s-server"
  }
}

resource "aws_launch_template" "server" {
  name                   = "${var.name}-k3s-server"
  image_id               = data.aws_ssm_parameter.al2023.value
  instance_type          = var.server_instance_type
  vpc_security_group_ids = [aws_security_group.server.id]
  update_default_version = true
  user_data = base64encode(templatefile("${path.module}/templates/node.sh.tftpl", merge(local.common, {
    role = "server"
    # Servers only run the control plane where workers exist to take the workloads.
    server_taint = var.dedicated_servers
  })))
  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    http_endpoint               = "enabled"
  }
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = var.server_volume_gb
      volume_type           = "gp3"
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }
  monitoring {
    enabled = true
  }
  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-k3s-server", "boxoffice/role" = "server" }
  }
}

resource "aws_launch_template" "worker" {
  name                   = "${var.name}-k3s-worker"
  image_id               = data.aws_ssm_parameter.al2023.value
  instance_type          = var.worker_instance_type
  vpc_security_group_ids = [aws_security_group.worker.id]
  update_default_version = true
  user_data = base64encode(templatefile("${path.module}/templates/node.sh.tftpl", merge(local.common, {
    role         = "agent"
    server_taint = false
  })))
  iam_instance_profile {
    arn = aws_iam_instance_profile.node.arn
  }
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    http_endpoint               = "enabled"
  }
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      # Kafka, MongoDB and images live on the node disk (k3s local-path volumes).
      volume_size           = var.worker_volume_gb
      volume_type           = "gp3"
      iops                  = 6000
      throughput            = 250
      encrypted             = true
      kms_key_id            = var.kms_key_arn
      delete_on_termination = true
    }
  }
  monitoring {
    enabled = true
  }
  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "${var.name}-k3s-worker", "boxoffice/role" = "worker" }
  }
}

# --- groups ------------------------------------------------------------------------------
resource "aws_autoscaling_group" "server" {
  name                = "${var.name}-k3s-server"
  min_size            = var.server_count
  max_size            = var.server_count
  desired_capacity    = var.server_count
  vpc_zone_identifier = var.private_subnet_ids
  target_group_arns   = [aws_lb_target_group.api.arn]
  health_check_type   = "EC2"
  # Servers are replaced one at a time by hand (etcd quorum); never by a refresh.
  launch_template {
    id      = aws_launch_template.server.id
    version = aws_launch_template.server.latest_version
  }
  tag {
    key                 = "boxoffice/cluster"
    value               = var.name
    propagate_at_launch = true
  }
}

resource "aws_autoscaling_group" "worker" {
  name                = "${var.name}-k3s-worker"
  min_size            = var.worker_min
  max_size            = var.worker_max
  desired_capacity    = var.worker_min
  vpc_zone_identifier = var.private_subnet_ids
  target_group_arns   = [var.http_target_group_arn]
  health_check_type   = "EC2"
  launch_template {
    id      = aws_launch_template.worker.id
    version = aws_launch_template.worker.latest_version
  }
  tag {
    key                 = "boxoffice/cluster"
    value               = var.name
    propagate_at_launch = true
  }
  lifecycle {
    # The cluster autoscaler (or an operator) changes the size; Terraform keeps the bounds.
    ignore_changes = [desired_capacity]
  }
}
